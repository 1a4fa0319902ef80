package dev.dynsecret.apic;

import com.google.auto.service.AutoService;
import dev.dynsecret.InvalidRequestException;
import dev.dynsecret.apic.internal.ApicConnection;
import dev.dynsecret.apic.internal.ApicOptions;
import dev.dynsecret.apic.internal.SettingsParser;
import dev.dynsecret.apic.internal.Sleeper;
import dev.dynsecret.apic.internal.TargetThrottle;
import dev.dynsecret.apic.internal.ApicSettings;
import dev.dynsecret.spi.ProviderContext;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import dev.dynsecret.spi.DynamicSecretProvider;
import dev.dynsecret.spi.ProviderConnection;
import dev.dynsecret.ProviderConfig;
import java.net.ProxySelector;
import java.time.Clock;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/**
 * Dynamic secrets on IBM API Connect: each lease is a client ID / client secret pair (an APIC
 * <em>credential</em>) on one application, created when the lease is and deleted when it is
 * revoked or expires. Its type is {@value #TYPE}; the configuration keys are listed in {@link
 * ApiConnectKeys}. The secret data holds {@value #CLIENT_ID} and {@value #CLIENT_SECRET}; the
 * lease's metadata holds the credential's name under {@value #CREDENTIAL_NAME}.
 *
 * <p>Found by {@link java.util.ServiceLoader} with default settings. For a private CA (without a
 * {@code trustStore} key) or a proxy, build one and register it explicitly; it wins over the
 * discovered one:
 *
 * <pre>{@code
 * LeaseManager leases = LeaseManager.builder()
 *     .store(store)
 *     .provider(ApiConnectProvider.builder().sslContext(corporateTls).proxy(proxySelector).build())
 *     .build();
 * }</pre>
 *
 * <p>For each dynamic secret, {@link #connect} builds one HTTP client (connections are reused) and
 * one access-token cache: the API key is exchanged once and the token reused until shortly before
 * it expires, because APIC keys may be single-use. A 401 discards the token and authenticates
 * again, once. GET and DELETE calls are retried up to three times after transient failures (5xx
 * gateway errors, timeouts, dropped connections). A create is retried within {@link
 * ApiConnectKeys#CREATE_DEADLINE} (30 s by default); since the credential's name is derived from
 * the lease id, a retry never leaves a second credential behind, and a create whose answer was
 * lost replaces the credential it made, whose secret nobody saw.
 *
 * <p>One throttle per platform API: when APIC answers 429 (or a transient status with {@code
 * Retry-After}), every thread using any secret of this provider on that base URL holds its next
 * request back as long as asked, instead of each one hammering the platform; such waits do not
 * count as failed attempts. Each episode is reported once: one WARN line and {@link
 * ProviderContext#throttled}, which lease managers pass to their listeners.
 *
 * <p>No log line, exception message or {@code toString()} of this provider contains the API key,
 * the client secret, an access token or a generated client secret.
 */
// The annotation is for the compiler only (it writes META-INF/services): users need not see its module.
@SuppressWarnings("exports")
@AutoService(DynamicSecretProvider.class)
public final class ApiConnectProvider implements DynamicSecretProvider {
  /** The provider type dynamic secrets name to use this provider. */
  public static final String TYPE = "ibm-api-connect";
  /** Key of the generated client ID in a lease's secret data. */
  public static final String CLIENT_ID = "CLIENT_ID";
  /** Key of the generated client secret in a lease's secret data. */
  public static final String CLIENT_SECRET = "CLIENT_SECRET";
  /** Key of the APIC credential's name ({@code dynsecret-<lease id>}) in a lease's metadata. */
  public static final String CREDENTIAL_NAME = "credentialName";

  private final ApicOptions options;
  /** Shared by every connection this provider made to one base URL. */
  private final ConcurrentMap<String, TargetThrottle> throttles = new ConcurrentHashMap<>();

  /** A provider with default settings: the JDK's trust store, no proxy, the system clock. */
  public ApiConnectProvider() {
    this(new Builder());
  }

  private ApiConnectProvider(Builder builder) {
    this.options = new ApicOptions(builder.sslContext, builder.proxy, builder.clock,
        builder.sleeper, builder.pageSize, ApicOptions.DEFAULT_MAX_RETRIES,
        ApicOptions.DEFAULT_BASE_BACKOFF, ApicOptions.DEFAULT_MAX_INLINE_WAIT);
  }

  /**
   * A builder for a provider with a custom TLS trust, proxy or clock.
   *
   * @return a builder with default settings
   */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String type() {
    return TYPE;
  }

  /**
   * Checks every key of {@link ApiConnectKeys} and builds the connection. Calls nothing remote.
   *
   * <p>The connection creates the credential {@code dynsecret-<lease id>} on the application
   * (replacing one of that name left by an earlier attempt), deletes it by id or name (one that is
   * already gone counts as deleted), looks it up by name, and lists the application's credentials
   * named {@code dynsecret-<lease id>} (credentials with other names are not dynsecret's and are
   * left out). Its {@code verify} checks, in order: that the API key can be exchanged for a token
   * ({@code authentication}), that the organization and catalog exist ({@code
   * organization/catalog}), and that the application exists and its credentials can be listed
   * ({@code application}); the exception names the step. Closing it stops its HTTP client.
   *
   * @return the secret's connection: one HTTP client, one token cache
   * @throws InvalidRequestException naming the first missing, malformed or unknown key
   */
  @Override
  public ProviderConnection connect(ProviderConfig config) {
    return connect(config, ProviderContext.detached("(unnamed)"));
  }

  /**
   * Like {@link #connect(ProviderConfig)}; the connection reports through {@code context} when the
   * platform asks callers to slow down. Connections to the same base URL share one throttle.
   *
   * @return the secret's connection: one HTTP client, one token cache
   * @throws InvalidRequestException naming the first missing, malformed or unknown key
   */
  @Override
  public ProviderConnection connect(ProviderConfig config, ProviderContext context) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(context, "context");
    ApicSettings settings = SettingsParser.parse(config, options.sslContext());
    String target = settings.baseUrl().toString(); // no user info or query: the parser refuses them
    TargetThrottle throttle = throttles.computeIfAbsent(target,
        t -> new TargetThrottle(t, options.clock(), options.sleeper()));
    return ApicConnection.open(settings, options, throttle, context);
  }

  @Override
  public String toString() {
    return "ApiConnectProvider[type=" + TYPE + (options.sslContext() != null ? ", custom TLS" : "")
        + (options.proxy() != null ? ", proxy" : "") + "]";
  }

  /** Builds an {@link ApiConnectProvider} with options that configuration strings cannot carry. */
  public static final class Builder {
    private @Nullable SSLContext sslContext;
    private @Nullable ProxySelector proxy;
    private Clock clock = Clock.systemUTC();
    private Sleeper sleeper = Sleeper.SYSTEM;
    private int pageSize = ApicOptions.DEFAULT_PAGE_SIZE;

    private Builder() {}

    /**
     * The TLS context for secrets whose configuration has no {@link ApiConnectKeys#TRUST_STORE},
     * e.g. one trusting a private CA. Default: the JDK's.
     *
     * @param sslContext the TLS context
     * @return this builder
     */
    public Builder sslContext(SSLContext sslContext) {
      this.sslContext = Objects.requireNonNull(sslContext, "sslContext");
      return this;
    }

    /**
     * The proxy to reach the platform API through. Default: none.
     *
     * @param proxy e.g. {@code ProxySelector.of(new InetSocketAddress("proxy.example.com", 3128))}
     * @return this builder
     */
    public Builder proxy(ProxySelector proxy) {
      this.proxy = Objects.requireNonNull(proxy, "proxy");
      return this;
    }

    /**
     * The clock that times access tokens and {@code Retry-After} dates. Default: UTC system.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** For tests: how retry waits are spent. */
    Builder sleeper(Sleeper sleeper) {
      this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
      return this;
    }

    /** For tests: the {@code limit} asked for when paging lists. */
    Builder pageSize(int pageSize) {
      this.pageSize = pageSize;
      return this;
    }

    /**
     * Builds the provider.
     *
     * @return the provider, ready to register with {@code LeaseManager.Builder#provider}
     */
    public ApiConnectProvider build() {
      return new ApiConnectProvider(this);
    }
  }
}
