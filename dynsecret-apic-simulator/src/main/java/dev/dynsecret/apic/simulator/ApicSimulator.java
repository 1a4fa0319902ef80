package dev.dynsecret.apic.simulator;

import dev.dynsecret.Secret;
import dev.dynsecret.ProviderConfig;
import dev.dynsecret.apic.simulator.internal.SimulatorConfig;
import dev.dynsecret.apic.simulator.internal.SimulatorCore;
import dev.dynsecret.apic.simulator.internal.TlsMaterial;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.net.ssl.SSLContext;

/**
 * An in-process, stateful simulator of the IBM API Connect platform REST API, served over real
 * HTTP (or HTTPS) on the loopback interface, for testing code that manages application
 * credentials without a real platform.
 *
 * <p>It starts seeded with one provider org, catalog, consumer org and application, and with an
 * API key and toolkit client credentials that the token endpoint accepts:
 *
 * <pre>{@code
 * try (ApicSimulator sim = ApicSimulator.builder().start()) {
 *   String url = sim.baseUrl();               // e.g. http://127.0.0.1:53121
 *   Secret apiKey = sim.apiKey();             // for POST /api/token
 *   Seed seed = sim.seed();                   // org, catalog, consumer org, app: ids and names
 *   // ... run the code under test against url ...
 *   assertEquals(1, sim.requestCount(RequestKind.TOKEN));
 *   assertEquals(0, sim.liveCredentialCount());
 * }
 * }</pre>
 *
 * <p>Endpoints (all under {@code /api}; each path segment accepts a name or an id; every call
 * but the token call needs {@code Authorization: Bearer <token>}):
 * <pre>
 * POST   /token                                   API-key grant; 401 for a wrong or spent key
 * GET    /orgs                                           paged (discovery)
 * GET    /orgs/{org}
 * GET    /orgs/{org}/catalogs                            paged (discovery)
 * GET    /catalogs/{org}/{catalog}
 * GET    /catalogs/{org}/{catalog}/consumer-orgs        paged
 * GET    /catalogs/{org}/{catalog}/apps                 paged; expand=consumer_org; fields=a,b
 * GET    /catalogs/{org}/{catalog}/credentials          paged, read-only
 * GET    /consumer-orgs/{org}/{catalog}/{consumer-org}
 * GET    /apps/{org}/{catalog}/{consumer-org}/{app}
 * GET    /apps/{org}/{catalog}/{consumer-org}/{app}/credentials                paged
 * POST   /apps/{org}/{catalog}/{consumer-org}/{app}/credentials                201 (or 200)
 * GET    /apps/{org}/{catalog}/{consumer-org}/{app}/credentials/{credential}
 * DELETE /apps/{org}/{catalog}/{consumer-org}/{app}/credentials/{credential}   200 (or 204); 404
 * </pre>
 * and, as the API gateway, {@code ANY /gateway/{org}/{catalog}/...}: 200 for a live client ID and
 * secret in {@code X-IBM-Client-Id} / {@code X-IBM-Client-Secret}, 401 otherwise ({@link
 * #gatewayUrl()}).
 * Lists answer {@code {"total_results":N,"results":[…]}}, honour {@code limit} and {@code offset},
 * and clamp {@code limit} to {@link Builder#maxPageSize(int)}. Errors answer
 * {@code {"status":N,"message":["…"]}}. Only the create answer carries {@code client_secret}.
 *
 * <p>Time (token expiry, API key time-outs, timestamps) comes from the {@link Clock} given to
 * {@link Builder#clock(Clock)}, so tests move time instead of sleeping. Latency and stalls are
 * real time. The simulator is safe for many concurrent clients, and never logs or prints a
 * secret: keys, tokens and client secrets appear only in HTTP bodies.
 */
public final class ApicSimulator implements AutoCloseable {
  private final SimulatorCore core;
  private final SimulatorConfig config;
  private final Faults faults;

  private ApicSimulator(SimulatorCore core, SimulatorConfig config) {
    this.core = core;
    this.config = config;
    this.faults = new Faults(core.faults(), core.rateLimiter());
  }

  /** {@return a builder for a simulator; {@code builder().start()} gives one with every default} */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * {@return the platform API URL to configure clients with, e.g. {@code http://127.0.0.1:53121}}
   */
  public String baseUrl() {
    return core.baseUrl();
  }

  /** {@return whether the simulator serves HTTPS (see {@link Builder#https()})} */
  public boolean isHttps() {
    return core.tls() != null;
  }

  /**
   * {@return the primary API key, accepted by {@code POST /api/token} under the builder's key
   * policy}
   */
  public Secret apiKey() {
    return config.apiKey();
  }

  /** {@return the toolkit client id the token call must send as {@code client_id}} */
  public String clientId() {
    return config.clientId();
  }

  /** {@return the toolkit client secret the token call must send as {@code client_secret}} */
  public Secret clientSecret() {
    return config.clientSecret();
  }

  /**
   * Creates another API key, valid from now under {@code policy}, alongside the primary one (for
   * example a fresh single-use key). Added keys are removed by {@link #reset()}.
   *
   * @param policy how the new key may be used
   * @return the new key's value
   */
  public Secret addApiKey(ApiKeyPolicy policy) {
    return core.auth().addApiKey(Objects.requireNonNull(policy, "policy"));
  }

  /** Revokes every access token issued so far; the next platform call answers 401. */
  public void invalidateTokens() {
    core.auth().invalidateTokens();
  }

  /**
   * {@return the seeded org, catalog, consumer org and application; their ids survive {@link
   * #reset()}}
   */
  public Seed seed() {
    return core.platform().seed();
  }

  /**
   * {@return the configuration of an {@code ibm-api-connect} dynamic secret that reaches this
   * simulator's seeded application: URL, API key, toolkit client ID and secret, org, catalog and
   * app
   * (the keys {@code dev.dynsecret.apic.ApiConnectKeys} documents; the simulator does not depend on
   * that
   * module)} A builder, so a test can add or change keys, such as {@code requestTimeout}.
   */
  public ProviderConfig.Builder providerConfig() {
    Seed seed = seed();
    return ProviderConfig.builder()
        .put("url", baseUrl())
        .put("apiKey", apiKey())
        .put("clientId", clientId())
        .put("clientSecret", clientSecret())
        .put("org", seed.org().name())
        .put("catalog", seed.catalog().name())
        .put("app", seed.app().name());
  }

  /**
   * Adds a consumer org to the seeded catalog.
   *
   * @param name the new consumer org's name
   * @return the new consumer org
   * @throws IllegalArgumentException if the name is blank, holds '/', or is taken
   */
  public EntityRef addConsumerOrg(String name) {
    return core.platform().addConsumerOrg(name);
  }

  /**
   * Adds an application to a consumer org of the seeded catalog.
   *
   * @param consumerOrg the owning consumer org's name or id
   * @param name the new application's name
   * @return the new application
   * @throws IllegalArgumentException if the consumer org is unknown or the name is blank, holds
   *     '/', or is taken in that consumer org
   */
  public EntityRef addApp(String consumerOrg, String name) {
    return core.platform().addApp(consumerOrg, name);
  }

  /**
   * Deletes an application and all its credentials out of band, as an administrator could.
   *
   * @param consumerOrg the owning consumer org's name or id, in the seeded catalog
   * @param app the application's name or id
   * @return false if there was no such application
   */
  public boolean removeApp(String consumerOrg, String app) {
    return core.platform().removeApp(consumerOrg, app);
  }

  /** {@return runtime control of latency and faults} */
  public Faults faults() {
    return faults;
  }

  /**
   * {@return requests of {@code kind} received since start or {@link #reset()}, faulted ones
   * included}
   *
   * @param kind the kind of request to count
   */
  public long requestCount(RequestKind kind) {
    return core.counters().count(Objects.requireNonNull(kind, "kind"));
  }

  /** {@return all requests received since start or {@link #reset()}} */
  public long requestCount() {
    return core.counters().total();
  }

  /**
   * {@return requests answered {@code 429} by the {@linkplain Faults#rateLimit(double, int) rate
   * limit} since start or {@link #reset()}} Injected {@code 429} faults are not among them; see
   * {@link #responseCount(int)}. Divide by {@link #requestCount()} for the share throttled.
   */
  public long rateLimitedCount() {
    return core.counters().rateLimited();
  }

  /**
   * {@return like {@link #rateLimitedCount()}, for requests of {@code kind} only}
   *
   * @param kind the kind of request counted
   */
  public long rateLimitedCount(RequestKind kind) {
    return core.counters().rateLimited(Objects.requireNonNull(kind, "kind"));
  }

  /**
   * {@return platform API answers sent with {@code status} since start or {@link #reset()}}
   * Served requests, faults and rate-limit answers alike; dropped and stalled requests sent none.
   *
   * @param status the HTTP status counted
   */
  public long responseCount(int status) {
    return core.counters().answered(status);
  }

  /** {@return a snapshot of {@link #requestCount(RequestKind)} for every kind} */
  public Map<RequestKind, Long> requestCounts() {
    return core.counters().snapshot();
  }

  /**
   * Waits until at least {@code atLeast} requests of {@code kind} have arrived, for example to
   * know a stalled request has reached the server.
   *
   * @param kind the kind of request to count
   * @param atLeast how many requests to wait for
   * @param timeout how long to wait at most
   * @return false if {@code timeout} passed first
   * @throws InterruptedException if the waiting thread is interrupted
   */
  public boolean awaitRequestCount(RequestKind kind, long atLeast, Duration timeout)
      throws InterruptedException {
    return core.counters().await(Objects.requireNonNull(kind, "kind"), atLeast, timeout);
  }

  /** {@return every credential that exists now, in creation order per application} */
  public List<LiveCredential> liveCredentials() {
    return core.platform().liveCredentials();
  }

  /** {@return how many credentials exist now, over all applications} */
  public int liveCredentialCount() {
    return liveCredentials().size();
  }

  /**
   * {@return names of the credentials that exist now on applications with this name or id (in any
   * consumer org), in creation order}
   *
   * @param app the application's name
   */
  public List<String> liveCredentialNames(String app) {
    return core.platform().liveCredentialNames(Objects.requireNonNull(app, "app"));
  }

  /**
   * {@return the URL of the simulated API gateway for the seeded catalog, {@code
   * <baseUrl>/gateway/<org>/<catalog>}; append any API path, e.g. {@code /hello}} It answers 200
   * only to requests whose {@code X-IBM-Client-Id} and {@code X-IBM-Client-Secret} headers name a
   * credential that exists now (see {@link #isValidAppCredential}), and 401 to any other, as the
   * real gateway does for an API secured by client ID and secret; an unknown org or catalog is a
   * 404. Platform faults and latency do not reach the gateway, and its requests are not counted
   * by {@link #requestCount()}: it is the data plane, apart from the platform API.
   */
  public String gatewayUrl() {
    Seed seed = seed();
    return baseUrl() + "/gateway/" + seed.org().name() + "/" + seed.catalog().name();
  }

  /**
   * Gateway requests answered 200 (accepted) or 401 (rejected) since start.
   *
   * @param accepted true to count accepted requests, false to count rejected ones
   * @return how many gateway requests were answered so
   */
  public long gatewayRequestCount(boolean accepted) {
    return accepted ? core.gateway().accepted() : core.gateway().rejected();
  }

  /**
   * {@return whether a credential with this client id exists and has this client secret}
   *
   * @param clientId the client id
   * @param clientSecret the client secret
   */
  public boolean isValidAppCredential(String clientId, Secret clientSecret) {
    Objects.requireNonNull(clientId, "clientId");
    Objects.requireNonNull(clientSecret, "clientSecret");
    return core.platform().isValidAppCredential(clientId, clientSecret);
  }

  /**
   * {@return an {@link SSLContext} trusting the simulator's self-signed certificate, for
   * {@code HttpClient.newBuilder().sslContext(...)}}
   *
   * @throws IllegalStateException if the simulator serves plain HTTP
   */
  public SSLContext sslContext() {
    return tls().clientContext();
  }

  /**
   * {@return the simulator's self-signed certificate (CN=localhost, SAN localhost and 127.0.0.1),
   * for
   * clients that build their own trust store}
   *
   * @throws IllegalStateException if the simulator serves plain HTTP
   */
  public X509Certificate certificate() {
    return tls().certificate();
  }

  /**
   * Back to the state at start: only the seed (same ids), no credentials, the primary API key
   * unused and created now, no tokens, no faults or latency, the builder's rate limit (if any)
   * with a full bucket, counters at zero. Keys and the base
   * URL stay the same, so configured clients keep working after a new token call.
   */
  public void reset() {
    core.reset();
  }

  /** Stops the server. In-flight requests, delayed or stalled ones included, end at once. */
  @Override
  public void close() {
    core.close();
  }

  @Override
  public String toString() {
    return core.toString();
  }

  private TlsMaterial tls() {
    TlsMaterial tls = core.tls();
    if (tls == null) {
      throw new IllegalStateException("https: the simulator serves plain HTTP; see Builder.https()");
    }
    return tls;
  }

  /**
   * Configures and starts an {@link ApicSimulator}. Every setting has a default, so
   * {@code ApicSimulator.builder().start()} is ready to use. Not thread-safe; build on one thread.
   */
  public static final class Builder {
    private static final SecureRandom RANDOM = new SecureRandom();

    private String host = "127.0.0.1";
    private int port;
    private int threads = 32;
    private boolean https;
    private Clock clock = Clock.systemUTC();
    private Duration tokenTtl = Duration.ofSeconds(28_800);
    private Secret apiKey;
    private ApiKeyPolicy apiKeyPolicy = ApiKeyPolicy.multiUse();
    private String clientId;
    private Secret clientSecret;
    private String orgName = "dynsecret-org";
    private String catalogName = "sandbox";
    private String consumerOrgName = "dynsecret-consumers";
    private String appName = "dynsecret-app";
    private int maxPageSize = 10;
    private int createStatus = 201;
    private int deleteStatus = 200;
    private int duplicateStatus = 409;
    private long faultSeed = 42;
    private Duration maxStall = Duration.ofSeconds(30);
    private double rateLimit;
    private int rateLimitBurst;

    private Builder() {}

    /**
     * The clock for token expiry, API key time-outs and timestamps; default system UTC.
     *
     * @param clock the clock for token expiry, API key time-outs and timestamps; default system UTC
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * How long an access token is valid; reported as {@code expires_in}. Default 8 hours, as on
     * every platform example.
     *
     * @param ttl how long an access token is valid; reported as {@code expires_in}
     * @return this builder
     * @throws IllegalArgumentException if shorter than one second
     */
    public Builder tokenTtl(Duration ttl) {
      Objects.requireNonNull(ttl, "ttl");
      if (ttl.toSeconds() < 1) {
        throw new IllegalArgumentException("tokenTtl: must be at least 1 second, was " + ttl);
      }
      this.tokenTtl = ttl;
      return this;
    }

    /**
     * The primary API key's value; default random.
     *
     * @param apiKey the primary API key's value; default random
     * @return this builder
     */
    public Builder apiKey(Secret apiKey) {
      this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
      return this;
    }

    /**
     * The primary API key's policy; default {@link ApiKeyPolicy#multiUse()}.
     *
     * @param policy how the new key may be used
     * @return this builder
     */
    public Builder apiKeyPolicy(ApiKeyPolicy policy) {
      this.apiKeyPolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * The toolkit client credentials the token call must send; default random.
     *
     * @param clientId the client id
     * @param clientSecret the client secret
     * @return this builder
     */
    public Builder toolkitClient(String clientId, Secret clientSecret) {
      Objects.requireNonNull(clientId, "clientId");
      if (clientId.isBlank()) {
        throw new IllegalArgumentException("clientId: must not be blank");
      }
      this.clientId = clientId;
      this.clientSecret = Objects.requireNonNull(clientSecret, "clientSecret");
      return this;
    }

    /**
     * Names of the seeded entities; defaults {@code dynsecret-org}, {@code sandbox},
     * {@code dynsecret-consumers}, {@code dynsecret-app}.
     *
     * @param org the provider organization's name
     * @param catalog the catalog's name
     * @param consumerOrg the consumer organization's name
     * @param app the application's name
     * @return this builder
     * @throws IllegalArgumentException if a name is blank or holds '/'
     */
    public Builder seed(String org, String catalog, String consumerOrg, String app) {
      this.orgName = segment("org", org);
      this.catalogName = segment("catalog", catalog);
      this.consumerOrgName = segment("consumerOrg", consumerOrg);
      this.appName = segment("app", app);
      return this;
    }

    /**
     * The most results one list page holds, and the page size when {@code limit} is absent;
     * larger limits are clamped to it. Default 10, small so clients must page.
     *
     * @param maxPageSize the most results one list page holds, and the page size when {@code limit}
     *     is absent; larger limits are clamped to it
     * @return this builder
     * @throws IllegalArgumentException if below 1
     */
    public Builder maxPageSize(int maxPageSize) {
      if (maxPageSize < 1) {
        throw new IllegalArgumentException("maxPageSize: must be at least 1, was " + maxPageSize);
      }
      this.maxPageSize = maxPageSize;
      return this;
    }

    /**
     * The status of a successful create: 201 (default) or 200.
     *
     * @param status the status of a successful create: 201 (default) or 200
     * @return this builder
     * @throws IllegalArgumentException for any other status
     */
    public Builder createStatus(int status) {
      this.createStatus = oneOf("createStatus", status, 201, 200);
      return this;
    }

    /**
     * The status of a successful delete: 200 with the deleted credential (default) or 204 with no
     * body.
     *
     * @param status the status of a successful delete: 200 with the deleted credential (default) or
     *     204 with no body
     * @return this builder
     * @throws IllegalArgumentException for any other status
     */
    public Builder deleteStatus(int status) {
      this.deleteStatus = oneOf("deleteStatus", status, 200, 204);
      return this;
    }

    /**
     * The status when a credential name (or chosen client id) is already taken: 409 (default) or
     * 400; the message says "already exists" either way.
     *
     * @param status the status when a credential name (or chosen client id) is already taken: 409
     *     (default) or 400; the message says "already exists" either way
     * @return this builder
     * @throws IllegalArgumentException for any other status
     */
    public Builder duplicateNameStatus(int status) {
      this.duplicateStatus = oneOf("duplicateNameStatus", status, 409, 400);
      return this;
    }

    /**
     * The seed of the random draws behind {@link Faults#errorRate}; default 42.
     *
     * @param seed the seed of the random draws behind {@link Faults#errorRate}; default 42
     * @return this builder
     */
    public Builder faultSeed(long seed) {
      this.faultSeed = seed;
      return this;
    }

    /**
     * How long a {@link Fault#stall()} holds a request, in real time, before the server drops
     * the connection; default 30 seconds. Closing the simulator ends stalls at once.
     *
     * @param maxStall how long a {@link Fault#stall()} holds a request, in real time, before the
     *     server drops the connection; default 30 seconds
     * @return this builder
     * @throws IllegalArgumentException if not positive
     */
    public Builder maxStall(Duration maxStall) {
      Objects.requireNonNull(maxStall, "maxStall");
      if (maxStall.isZero() || maxStall.isNegative()) {
        throw new IllegalArgumentException("maxStall: must be positive, was " + maxStall);
      }
      this.maxStall = maxStall;
      return this;
    }

    /**
     * Starts with a request-rate limit, as {@link Faults#rateLimit(double, int)} sets one at run
     * time; {@link ApicSimulator#reset()} restores this one. Default: none.
     *
     * @param perSecond the average rate allowed, above 0
     * @param burst how many requests may arrive at once after a quiet spell; at least 1
     * @return this builder
     * @throws IllegalArgumentException if {@code perSecond} is not above 0 or {@code burst} is
     *     below 1
     */
    public Builder rateLimit(double perSecond, int burst) {
      if (!(perSecond > 0) || Double.isInfinite(perSecond)) {
        throw new IllegalArgumentException("perSecond: must be a finite number above 0, was "
            + perSecond);
      }
      if (burst < 1) {
        throw new IllegalArgumentException("burst: must be at least 1, was " + burst);
      }
      this.rateLimit = perSecond;
      this.rateLimitBurst = burst;
      return this;
    }

    /**
     * Serve HTTPS with the bundled self-signed certificate; clients trust it through
     * {@link ApicSimulator#sslContext()}. Default plain HTTP.
     *
     * @return this builder
     */
    public Builder https() {
      this.https = true;
      return this;
    }

    /**
     * The port to bind on 127.0.0.1; default 0, an ephemeral port.
     *
     * @param port the port to bind on 127.0.0.1; default 0, an ephemeral port
     * @return this builder
     * @throws IllegalArgumentException if outside 0..65535
     */
    public Builder port(int port) {
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException("port: must be 0-65535, was " + port);
      }
      this.port = port;
      return this;
    }

    /**
     * Worker threads serving requests; default 32. Stalled and delayed requests each hold one.
     *
     * @param threads the number of worker threads, 1 or more
     * @return this builder
     * @throws IllegalArgumentException if below 1
     */
    public Builder threads(int threads) {
      if (threads < 1) {
        throw new IllegalArgumentException("threads: must be at least 1, was " + threads);
      }
      this.threads = threads;
      return this;
    }

    /**
     * Binds and starts the simulator.
     *
     * @return the running simulator; close it to stop it
     * @throws java.io.UncheckedIOException if the port cannot be bound
     */
    public ApicSimulator start() {
      SimulatorConfig config = new SimulatorConfig(
          host, port, threads, https, clock, tokenTtl,
          apiKey != null ? apiKey : Secret.of(randomKey()),
          apiKeyPolicy,
          clientId != null ? clientId : HexFormat.of().formatHex(randomBytes(16)),
          clientSecret != null ? clientSecret : Secret.of(randomKey()),
          orgName, catalogName, consumerOrgName, appName,
          maxPageSize, createStatus, deleteStatus, duplicateStatus, faultSeed, maxStall,
          rateLimit, rateLimitBurst);
      return new ApicSimulator(SimulatorCore.start(config), config);
    }

    private static String segment(String field, String name) {
      Objects.requireNonNull(name, field);
      if (name.isBlank() || name.contains("/")) {
        throw new IllegalArgumentException(field + ": must be non-blank without '/', was '"
            + name + "'");
      }
      return name;
    }

    private static int oneOf(String field, int status, int first, int second) {
      if (status != first && status != second) {
        throw new IllegalArgumentException(
            field + ": must be " + first + " or " + second + ", was " + status);
      }
      return status;
    }

    private static String randomKey() {
      return Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(24));
    }

    private static byte[] randomBytes(int n) {
      byte[] bytes = new byte[n];
      RANDOM.nextBytes(bytes);
      return bytes;
    }

    /** Settings that are not secret; keys and client secrets are never shown. */
    @Override
    public String toString() {
      return "ApicSimulator.Builder[https=" + https + ", port=" + port + ", tokenTtl=" + tokenTtl
          + ", apiKeyPolicy=" + apiKeyPolicy + ", maxPageSize=" + maxPageSize + "]";
    }
  }
}
