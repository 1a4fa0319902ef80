package dev.dynsecret.apic.internal;

import static dev.dynsecret.apic.internal.ErrorBodies.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dynsecret.DefinitiveProviderException;
import dev.dynsecret.Lease;
import dev.dynsecret.ProviderException;
import dev.dynsecret.Secret;
import dev.dynsecret.SecretData;
import dev.dynsecret.TransientProviderException;
import dev.dynsecret.apic.ApiConnectProvider;
import dev.dynsecret.spi.CreatedCredential;
import dev.dynsecret.spi.CredentialListing;
import dev.dynsecret.spi.CredentialLookup;
import dev.dynsecret.spi.CredentialRef;
import dev.dynsecret.spi.ProviderConnection;
import dev.dynsecret.ListedCredential;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One dynamic secret's connection to the IBM API Connect platform API: its HTTP client, its cached
 * access token and its resolved consumer organization. Built by {@link
 * ApiConnectProvider#connect}; safe for use by many threads.
 *
 * <p>Every call goes through {@link #call}: it adds the bearer token, answers a 401 by fetching a
 * new token and trying once more, and retries idempotent calls (GET, DELETE) after transient
 * failures a bounded number of times, honouring {@code Retry-After}. A POST is never retried
 * blindly: a create whose answer is lost is cleaned up by name later.
 */
public final class ApicConnection implements ProviderConnection {
  private static final Logger log = LoggerFactory.getLogger(ApicConnection.class);
  /** Statuses a retry may cure: overload, gateway trouble, timeouts. */
  private static final Set<Integer> TRANSIENT_STATUSES = Set.of(408, 429, 500, 502, 503, 504);
  private static final int MAX_PAGES = 10_000;
  private static final Duration MAX_TOKEN_MARGIN = Duration.ofSeconds(60);

  private final ApicSettings settings;
  private final ApicOptions options;
  private final Redactor redactor;
  private final Exchange http;
  private final TokenSource tokens;
  private final Object consumerOrgLock = new Object();
  /** Null until configured or resolved from the application list. */
  private volatile @Nullable String consumerOrg;
  private volatile boolean closed;

  private ApicConnection(ApicSettings settings, ApicOptions options) {
    this.settings = settings;
    this.options = options;
    this.consumerOrg = settings.consumerOrg();
    this.redactor = new Redactor(settings.apiKey(), settings.clientSecret());
    this.http = new Exchange(settings, options, redactor);
    this.tokens = new TokenSource(this::fetchToken, options.clock());
  }

  /** Builds the connection; makes no request yet. */
  public static ApicConnection open(ApicSettings settings, ApicOptions options) {
    return new ApicConnection(settings, options);
  }

  // ------------------------------------------------------------------ operations

  /**
   * Creates the lease's credential, named {@code dynsecret-<lease id>}. A credential of that name
   * left by an earlier attempt is deleted and created again, so the caller gets a secret.
   */
  @Override
  public CreatedCredential create(Lease lease) {
    String name = CredentialNames.forLease(lease.id());
    String credentials = credentialsPath();
    ApiRequest post = ApiRequest.post(credentials, createBody(lease, name));
    ApiResponse response = call(post);
    if (alreadyExists(response)) {
      log.info("Credential '{}' exists already, left by an earlier attempt for lease {} whose"
          + " answer was lost; replacing it", name, lease.id());
      deleteCredential(credentials, name);
      response = call(post);
      if (alreadyExists(response)) {
        throw new DefinitiveProviderException(post.describe() + " still answered "
            + status(response.status()) + " after credential '" + name + "' was deleted"
            + ErrorBodies.describe(response, redactor));
      }
    }
    if (!response.isSuccess()) {
      throw error(post, response);
    }
    return readCreated(lease, post, response, credentials, name);
  }

  /** Deletes the lease's credential by id, or by name when the id was never learned. */
  @Override
  public void revoke(CredentialRef credential) {
    String target = credential.externalId() != null ? credential.externalId()
        : CredentialNames.forLease(credential.leaseId());
    boolean existed = deleteCredential(credentialsPath(), target);
    log.debug(existed ? "Deleted credential {} of lease {}"
        : "Credential {} of lease {} was already gone", target, credential.leaseId());
  }

  /** Looks credentials up by name: APIC can, by {@code GET …/credentials/{name}}. */
  @Override
  public Optional<CredentialLookup> lookup() {
    return Optional.of(this::find);
  }

  /** Lists credentials: APIC can, by paging {@code GET …/credentials}. */
  @Override
  public Optional<CredentialListing> listing() {
    return Optional.of(this::list);
  }

  /** The id of the lease's credential, looked up by its deterministic name. */
  public Optional<String> find(CredentialRef wanted) {
    String name = CredentialNames.forLease(wanted.leaseId());
    String credentials = credentialsPath();
    ApiRequest get = ApiRequest.get(credentials + "/" + PathSegments.encode(name), null);
    ApiResponse response = call(get);
    if (response.isSuccess()) {
      Optional<String> id = Json.objectOf(response).flatMap(n -> Json.text(n, "id"));
      if (id.isPresent()) {
        return id;
      }
    } else if (response.status() != 404 && response.status() != 400) {
      throw error(get, response);
    }
    // Not found by name (or no id in the answer): the list is the slower, surer way.
    String[] found = new String[1];
    pageThrough(credentials, true, credential -> {
      if (Json.text(credential, "name").filter(name::equals).isPresent()) {
        found[0] = Json.text(credential, "id").orElse(null);
        return found[0] != null;
      }
      return false;
    });
    return Optional.ofNullable(found[0]);
  }

  /**
   * Every credential of the application named {@code dynsecret-<lease id>}, page by page; other
   * credentials (made by people or other tools) are skipped. An application that is gone has none.
   */
  public List<ListedCredential> list() {
    List<ListedCredential> found = new ArrayList<>();
    pageThrough(credentialsPath(), true, credential -> {
      Optional<String> name = Json.text(credential, "name");
      Optional<String> leaseId = name.flatMap(CredentialNames::leaseIdOf);
      Optional<String> id = Json.text(credential, "id");
      if (leaseId.isPresent() && id.isPresent()) {
        found.add(new ListedCredential(leaseId.get(), id.get(), name.get()));
      }
      return false;
    });
    return found;
  }

  /**
   * Checks, in order, that the API key is accepted, that the organization and catalog exist, and
   * that the application exists and its credentials can be listed. The exception names the step.
   */
  @Override
  public void verify() {
    step("authentication", tokens::get);
    step("organization/catalog", () -> {
      ApiRequest request = ApiRequest.get(appsPath(), "limit=1&offset=0");
      ApiResponse response = call(request);
      if (response.status() == 404 || response.status() == 403) {
        throw new DefinitiveProviderException("organization '" + settings.org() + "' or catalog '"
            + settings.catalog() + "' does not exist or is not visible to this API key: "
            + request.describe() + " answered " + status(response.status())
            + ErrorBodies.describe(response, redactor));
      }
      if (!response.isSuccess()) {
        throw error(request, response);
      }
    });
    step("application", () -> {
      String owner = consumerOrg();
      ApiRequest request = ApiRequest.get(credentialsPath(), "limit=1&offset=0");
      ApiResponse response = call(request);
      if (response.status() == 404 || response.status() == 403) {
        throw new DefinitiveProviderException("application '" + settings.app()
            + "' of consumer organization '" + owner + "' does not exist or its credentials are"
            + " not visible to this API key: " + request.describe() + " answered "
            + status(response.status()) + ErrorBodies.describe(response, redactor));
      }
      if (!response.isSuccess()) {
        throw error(request, response);
      }
    });
    log.info("Verified IBM API Connect access to application '{}' ({} / {} / {})", settings.app(),
        settings.org(), settings.catalog(), consumerOrg);
  }

  /** Stops the HTTP client's threads; later calls fail. */
  @Override
  public void close() {
    closed = true;
    http.close();
  }

  // ------------------------------------------------------------------ create helpers

  private static byte[] createBody(Lease lease, String name) {
    ObjectNode body = Json.object()
        .put("name", name)
        .put("title", "dynsecret lease " + lease.id())
        .put("summary", "Temporary credential created by dynsecret for lease " + lease.id()
            + " of dynamic secret '" + lease.secretName() + "'; expires " + lease.expiresAt()
            + " unless renewed, at the latest " + lease.hardLimitAt()
            + ". It is deleted when the lease is revoked or expires.");
    return Json.bytes(body);
  }

  private static boolean alreadyExists(ApiResponse response) {
    return response.status() == 409
        || (response.status() == 400 && ErrorBodies.saysAlreadyExists(response));
  }

  private CreatedCredential readCreated(Lease lease, ApiRequest post, ApiResponse response,
      String credentials, String name) {
    Optional<JsonNode> body = Json.objectOf(response);
    Optional<String> id = body.flatMap(n -> Json.text(n, "id"));
    Optional<String> clientId = body.flatMap(n -> Json.text(n, "client_id"));
    Optional<String> clientSecret = body.flatMap(n -> Json.text(n, "client_secret"));
    if (id.isPresent() && clientId.isPresent() && clientSecret.isPresent()) {
      log.debug("Created credential '{}' (id {}) for lease {}", name, id.get(), lease.id());
      return new CreatedCredential(id.get(),
          SecretData.of(ApiConnectProvider.CLIENT_ID, clientId.get(),
              ApiConnectProvider.CLIENT_SECRET, clientSecret.get()),
          Map.of(ApiConnectProvider.CREDENTIAL_NAME, name));
    }
    List<String> missing = new ArrayList<>();
    if (id.isEmpty()) missing.add("id");
    if (clientId.isEmpty()) missing.add("client_id");
    if (clientSecret.isEmpty()) missing.add("client_secret");
    String problem = body.isPresent() ? "a body without " + String.join(", ", missing)
        : bodyProblem(response, "a JSON object");
    // The credential exists but its secret is unknown: delete it rather than leave it behind.
    String cleanup;
    try {
      deleteCredential(credentials, name);
      cleanup = "the credential was deleted again";
    } catch (ProviderException e) {
      cleanup = "deleting it failed too (" + e.getMessage() + "); reconciliation will retry";
    }
    throw new TransientProviderException(post.describe() + " answered " + status(response.status())
        + " with " + problem + ", so the new credential's secret is unknown; " + cleanup, null);
  }

  /** @return whether the credential existed */
  private boolean deleteCredential(String credentials, String nameOrId) {
    ApiRequest delete = ApiRequest.delete(credentials + "/" + PathSegments.encode(nameOrId));
    ApiResponse response = call(delete);
    if (response.isSuccess()) {
      if (response.body().length > 0 && !Json.isJson(response)) {
        // APIC answers a delete with JSON or nothing; an HTML page with 200 (a proxy's login
        // page, say) does not confirm that the credential is gone, so it must not end the lease.
        throw new TransientProviderException(delete.describe() + " answered "
            + status(response.status()) + " with " + bodyProblem(response, "JSON")
            + ", which is not IBM API Connect's answer; the deletion is not confirmed");
      }
      return true;
    }
    if (response.status() == 404) {
      return false;
    }
    throw error(delete, response);
  }

  // ------------------------------------------------------------------ paths and consumer org

  private String appsPath() {
    return PathSegments.path("api", "catalogs", settings.org(), settings.catalog(), "apps");
  }

  private String credentialsPath() {
    return PathSegments.path("api", "apps", settings.org(), settings.catalog(), consumerOrg(),
        settings.app(), "credentials");
  }

  /** The configured consumer org, or the one resolved (once) from the application list. */
  private String consumerOrg() {
    String known = consumerOrg;
    if (known != null) {
      return known;
    }
    synchronized (consumerOrgLock) {
      if (consumerOrg == null) {
        consumerOrg = resolveConsumerOrg();
      }
      return consumerOrg;
    }
  }

  private String resolveConsumerOrg() {
    String app = settings.app();
    Map<String, String> matches = new LinkedHashMap<>();
    int[] seen = {0};
    pageThrough(appsPath(), false, item -> {
      seen[0]++;
      boolean byName = Json.text(item, "name").filter(app::equals).isPresent();
      boolean byId = Json.text(item, "id").filter(app::equals).isPresent();
      if (byName || byId) {
        String owner = Json.text(item, "consumer_org_url").map(PathSegments::lastSegment).orElse("");
        matches.put(owner, Json.text(item, "id").orElse("?"));
      }
      return false;
    });
    String where = " in catalog '" + settings.catalog() + "' of organization '" + settings.org()
        + "'";
    if (matches.isEmpty()) {
      throw new DefinitiveProviderException("application '" + app + "' was not found by name or id"
          + " among the " + seen[0] + " applications" + where + " (GET " + appsPath() + ")");
    }
    if (matches.size() > 1) {
      throw new DefinitiveProviderException("application '" + app + "' is the name of applications"
          + " of several consumer organizations" + where + " " + matches.keySet()
          + "; set consumerOrg to choose one");
    }
    String owner = matches.keySet().iterator().next();
    if (owner.isEmpty()) {
      throw new DefinitiveProviderException("application '" + app + "'" + where
          + " has no consumer_org_url in GET " + appsPath() + "; set consumerOrg");
    }
    log.info("Resolved consumer organization '{}' of application '{}'{}", owner, app, where);
    return owner;
  }

  /**
   * Visits each item of a paged list until {@code visitor} returns true, page by page until
   * {@code offset >= total_results}: no page is assumed to hold everything.
   *
   * @param absentOk whether a 404 means "no items" rather than an error
   */
  private void pageThrough(String path, boolean absentOk, Predicate<JsonNode> visitor) {
    long offset = 0;
    int limit = options.pageSize();
    for (int pages = 0; pages < MAX_PAGES; pages++) {
      ApiRequest request = ApiRequest.get(path, "limit=" + limit + "&offset=" + offset);
      ApiResponse response = call(request);
      if (response.status() == 404 && absentOk) {
        return;
      }
      if (!response.isSuccess()) {
        throw error(request, response);
      }
      JsonNode body = Json.objectOf(response).orElseThrow(() -> new TransientProviderException(
          request.describe() + " answered " + status(response.status()) + " with "
              + bodyProblem(response, "a JSON object")));
      JsonNode results = body.get("results");
      if (results == null || !results.isArray()) {
        throw new TransientProviderException(request.describe() + " answered "
            + status(response.status()) + " without a 'results' list");
      }
      Optional<Long> total = Json.number(body, "total_results");
      JsonNode rawTotal = body.get("total_results");
      if (total.isEmpty() && rawTotal != null && !rawTotal.isNull()) {
        // Without a usable total the end of the list is a guess: better to fail than to stop early.
        throw new TransientProviderException(request.describe() + " answered "
            + status(response.status()) + " with a 'total_results' that is not a whole number");
      }
      for (JsonNode item : results) {
        if (item.isObject() && visitor.test(item)) {
          return;
        }
      }
      offset += results.size();
      boolean last = total.isPresent() ? offset >= total.get() : results.size() < limit;
      if (last || results.isEmpty()) {
        return;
      }
    }
    throw new DefinitiveProviderException("GET " + path + " still had results after " + MAX_PAGES
        + " pages; giving up");
  }

  // ------------------------------------------------------------------ calls

  /**
   * Sends {@code request} with a bearer token. Returns any answer but a 401 (handled by one
   * re-authentication) or, for idempotent requests, a transient one (retried while attempts and
   * waits allow).
   */
  private ApiResponse call(ApiRequest request) {
    for (int attempt = 0; ; attempt++) {
      ProviderException failure;
      try {
        ApiResponse response = sendAuthorized(request);
        if (!TRANSIENT_STATUSES.contains(response.status())) {
          return response;
        }
        failure = error(request, response);
      } catch (TransientProviderException e) {
        failure = e;
      }
      if (!request.idempotent() || attempt >= options.maxRetries()) {
        throw attempt == 0 ? failure : new TransientProviderException(failure.getMessage()
            + " (gave up after " + (attempt + 1) + " attempts)", failure.getCause(),
            failure.retryAfter().orElse(null));
      }
      Duration wait = failure.retryAfter().isPresent() ? failure.retryAfter().get()
          : backoff(attempt);
      if (wait.compareTo(options.maxInlineWait()) > 0) {
        // Too long to hold the caller's thread: the engine schedules the retry instead.
        throw failure;
      }
      log.debug("Retry {} of {} in {} ms after: {}", attempt + 1, options.maxRetries(),
          wait.toMillis(), failure.getMessage());
      pause(wait);
    }
  }

  /** Exponential, with jitter so that many callers failing together do not retry together. */
  private Duration backoff(int attempt) {
    long max = options.baseBackoff().toMillis() << Math.min(attempt, 10);
    long half = max / 2;
    return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(max - half + 1));
  }

  private void pause(Duration wait) {
    try {
      options.sleeper().sleep(wait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TransientProviderException("interrupted while waiting to retry", e);
    }
  }

  private ApiResponse sendAuthorized(ApiRequest request) {
    if (closed) {
      throw new DefinitiveProviderException("this IBM API Connect connection is closed (its"
          + " dynamic secret was removed or replaced)");
    }
    TokenSource.Token token = tokens.get();
    ApiResponse response = http.send(request, token.value());
    if (response.status() != 401) {
      return response;
    }
    log.debug("{} answered 401; discarding the access token and authenticating again",
        request.describe());
    tokens.invalidate(token);
    TokenSource.Token fresh = tokens.get();
    response = http.send(request, fresh.value());
    if (response.status() == 401) {
      throw new DefinitiveProviderException(request.describe() + " answered 401 Unauthorized"
          + " even with a newly issued access token" + ErrorBodies.describe(response, redactor)
          + "; the API key's user may lack access to organization '" + settings.org() + "'");
    }
    return response;
  }

  /** An error answer as an exception: transient for overload and gateway statuses. */
  private ProviderException error(ApiRequest request, ApiResponse response) {
    String message = request.describe() + " answered " + status(response.status())
        + ErrorBodies.describe(response, redactor);
    if (TRANSIENT_STATUSES.contains(response.status())) {
      Duration retryAfter = response.headers().firstValue("Retry-After")
          .flatMap(v -> RetryAfter.parse(v, options.clock().instant())).orElse(null);
      return new TransientProviderException(message, null, retryAfter);
    }
    if (response.status() >= 300 && response.status() < 400) {
      message += " (redirects are not followed; check the url)";
    }
    return new DefinitiveProviderException(message);
  }

  private static String bodyProblem(ApiResponse response, String expected) {
    if (response.overflow()) {
      return "a body larger than " + (Exchange.SUCCESS_BODY_CAP / (1024 * 1024)) + " MiB";
    }
    if (response.body().length == 0) {
      return "an empty body";
    }
    return "a body that is not " + expected;
  }

  // ------------------------------------------------------------------ token

  private TokenSource.Token fetchToken() {
    ObjectNode body = Json.object()
        .put("grant_type", "api_key")
        .put("api_key", settings.apiKey().reveal())
        .put("client_id", settings.clientId())
        .put("client_secret", settings.clientSecret().reveal());
    ApiRequest request = ApiRequest.post("/api/token", Json.bytes(body));
    Instant asked = options.clock().instant();
    ApiResponse response = http.send(request, null);
    if (!response.isSuccess()) {
      throw tokenFailure(request, response);
    }
    JsonNode json = Json.objectOf(response).orElseThrow(() -> new TransientProviderException(
        request.describe() + " answered " + status(response.status()) + " with "
            + bodyProblem(response, "a JSON object")));
    String accessToken = Json.text(json, "access_token").orElseThrow(() ->
        new DefinitiveProviderException(request.describe() + " answered "
            + status(response.status()) + " without an access_token"));
    Secret value = Secret.of(accessToken);
    redactor.addToken(value);
    // Ask again a little before the server's expiry; no expiry: keep it until a 401.
    Instant refreshAt = Json.number(json, "expires_in").filter(s -> s > 0)
        .map(s -> asked.plusSeconds(s).minus(margin(Duration.ofSeconds(s))))
        .orElse(null);
    log.debug("Obtained an access token from {} for organization '{}'; {}", settings.baseUrl(),
        settings.org(), refreshAt == null ? "no expiry given, kept until rejected"
            : "a new one is fetched after " + refreshAt);
    return new TokenSource.Token(value, refreshAt);
  }

  private static Duration margin(Duration lifetime) {
    Duration tenth = lifetime.dividedBy(10);
    return tenth.compareTo(MAX_TOKEN_MARGIN) < 0 ? tenth : MAX_TOKEN_MARGIN;
  }

  private ProviderException tokenFailure(ApiRequest request, ApiResponse response) {
    String answer = request.describe() + " answered " + status(response.status())
        + ErrorBodies.describe(response, redactor);
    int s = response.status();
    if (s == 400 || s == 401 || s == 403) {
      String again = tokens.everFetched()
          ? " This connection exchanged the same key successfully before, so the key is most"
              + " likely single-use or has timed out."
          : "";
      return new DefinitiveProviderException("IBM API Connect rejected the API key exchange ("
          + answer + "). Likely causes: the apiKey is wrong or has expired, or it is a single-use"
          + " key that was already exchanged for a token; or clientId/clientSecret are not the"
          + " toolkit credentials shown with the key on the 'My API Keys' page." + again
          + " Create a new API key (multi-use, without a short timeout, if the platform allows"
          + " it) and update the configuration.");
    }
    return error(request, response);
  }

  /** Names the target only: no credential, token or secret. */
  @Override
  public String toString() {
    String owner = consumerOrg;
    return "ApicConnection[url=" + settings.baseUrl() + ", org=" + settings.org() + ", catalog="
        + settings.catalog() + ", app=" + settings.app() + ", consumerOrg="
        + (owner == null ? "(not yet resolved)" : owner) + (closed ? ", closed" : "") + "]";
  }

  private static void step(String step, Runnable action) {
    try {
      action.run();
    } catch (DefinitiveProviderException e) {
      throw new DefinitiveProviderException(
          "IBM API Connect verification failed at step '" + step + "': " + e.getMessage(), e);
    } catch (ProviderException e) {
      throw new TransientProviderException(
          "IBM API Connect verification failed at step '" + step + "': " + e.getMessage(), e,
          e.retryAfter().orElse(null));
    }
  }
}
