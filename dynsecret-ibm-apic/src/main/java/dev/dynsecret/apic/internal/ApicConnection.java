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
import dev.dynsecret.spi.ProviderContext;
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
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One dynamic secret's connection to the IBM API Connect platform API: its HTTP client, its cached
 * access token and its resolved consumer organization. Built by {@link
 * ApiConnectProvider#connect}; safe for use by many threads.
 *
 * <p>Every request first waits for its turn at the {@link TargetThrottle} shared by all
 * connections to the same platform API, so that one 429 holds back every thread instead of each
 * finding out for itself. Idempotent calls go through {@link #call}: it adds the bearer token,
 * answers a 401 by fetching a new token and trying once more, and retries after transient failures
 * a bounded number of times; waits a throttle asks for are not counted as failures. A create is
 * retried by {@link #create} within the create deadline, relying on the credential's
 * deterministic name so that no retry can leave a second credential behind.
 */
public final class ApicConnection implements ProviderConnection {
  private static final Logger log = LoggerFactory.getLogger(ApicConnection.class);
  /** Statuses a retry may cure: overload, gateway trouble, timeouts. */
  private static final Set<Integer> TRANSIENT_STATUSES = Set.of(408, 429, 500, 502, 503, 504);
  private static final int MAX_PAGES = 10_000;
  private static final Duration MAX_TOKEN_MARGIN = Duration.ofSeconds(60);
  /** How long a bare 429 (no {@code Retry-After}) holds the target back. */
  static final Duration DEFAULT_THROTTLE_WAIT = Duration.ofSeconds(1);
  /** The longest backoff between two retries of one operation. */
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
  /** A guard against a server that fails in zero time while a test clock stands still. */
  private static final int MAX_ROUNDS = 200;

  private final ApicSettings settings;
  private final ApicOptions options;
  private final Redactor redactor;
  private final Exchange http;
  private final TokenSource tokens;
  private final TargetThrottle throttle;
  private final ProviderContext context;
  private final Object consumerOrgLock = new Object();
  /** Null until configured or resolved from the application list. */
  private volatile @Nullable String consumerOrg;
  private volatile boolean closed;

  private ApicConnection(ApicSettings settings, ApicOptions options, TargetThrottle throttle,
      ProviderContext context) {
    this.settings = settings;
    this.options = options;
    this.throttle = throttle;
    this.context = context;
    this.consumerOrg = settings.consumerOrg();
    this.redactor = new Redactor(settings.apiKey(), settings.clientSecret());
    this.http = new Exchange(settings, options, redactor);
    this.tokens = new TokenSource(this::fetchToken, options.clock());
  }

  /** Builds a connection with a throttle of its own that reports to nobody; no request yet. */
  public static ApicConnection open(ApicSettings settings, ApicOptions options) {
    return open(settings, options, new TargetThrottle(settings.baseUrl().toString(),
        options.clock(), options.sleeper()), ProviderContext.detached("(none)"));
  }

  /**
   * Builds the connection; makes no request yet.
   *
   * @param throttle shared by every connection to {@code settings.baseUrl()}
   * @param context where episodes of throttling are reported
   */
  public static ApicConnection open(ApicSettings settings, ApicOptions options,
      TargetThrottle throttle, ProviderContext context) {
    return new ApicConnection(settings, options, throttle, context);
  }

  // ------------------------------------------------------------------ operations

  /**
   * Creates the lease's credential, named {@code dynsecret-<lease id>}, retrying transient failures
   * within the create deadline. The name makes retries safe: APIC holds one credential per name, so
   * a POST repeated after a lost answer is refused as a duplicate instead of making a second one.
   * That leftover's secret was never seen (only a create answer carries it), so it is looked up by
   * name, deleted by id (a late-arriving delete by id cannot hit its successor) and created again.
   * When the deadline passes the lease stays pending, and reconciliation deletes whatever the
   * attempts left, by the same name.
   */
  @Override
  public CreatedCredential create(Lease lease) {
    String name = CredentialNames.forLease(lease.id());
    String credentials = credentialsPath();
    ApiRequest post = ApiRequest.post(credentials, createBody(lease, name));
    Budget budget = Budget.of(options.clock(), settings.createDeadline());
    int requests = 0;
    int failures = 0;
    int conflictsAfterDelete = 0;
    boolean justDeleted = false;
    ProviderException last = null;
    for (int round = 0; round < MAX_ROUNDS; round++) {
      ApiResponse response;
      try {
        requests++;
        response = sendAuthorized(post, budget);
      } catch (TargetThrottle.WaitTooLong e) {
        throw gaveUp(post, lease, name, requests - 1, budget, last == null ? throttledFor(e.wait)
            : last, e.wait);
      } catch (TransientProviderException e) {
        // No answer (dropped, timed out) or no token: the credential may or may not exist.
        last = e;
        justDeleted = false;
        failures = waitBeforeRetry(e, failures, budget, post, lease, name, requests);
        continue;
      }
      if (response.isSuccess()) {
        Optional<CreatedCredential> created = readCreated(lease, response, name);
        if (created.isPresent()) {
          if (requests > 1) {
            log.debug("Created credential '{}' for lease {} after {} requests", name, lease.id(),
                requests);
          }
          return created.get();
        }
        // Made, but its secret is unknown: the next POST finds the name taken and replaces it.
        last = new TransientProviderException(post.describe() + " answered "
            + status(response.status()) + " with " + createdBodyProblem(response)
            + ", so the new credential's secret is unknown");
        justDeleted = false;
        failures = waitBeforeRetry(last, failures, budget, post, lease, name, requests);
        continue;
      }
      if (alreadyExists(response)) {
        if (justDeleted && ++conflictsAfterDelete >= 2) {
          throw new DefinitiveProviderException(post.describe() + " still answered "
              + status(response.status()) + " after credential '" + name + "' was deleted"
              + ErrorBodies.describe(response, redactor));
        }
        log.info("Credential '{}' exists already, left by an earlier attempt for lease {} whose"
            + " answer was lost; replacing it", name, lease.id());
        try {
          deleteLeftover(credentials, name, budget);
          justDeleted = true;
        } catch (TargetThrottle.WaitTooLong e) {
          throw gaveUp(post, lease, name, requests, budget, last == null ? throttledFor(e.wait)
              : last, e.wait);
        } catch (TransientProviderException e) {
          // The delete ran out of its own retries; the next POST tells where things stand.
          last = e;
          justDeleted = false;
          failures = waitBeforeRetry(e, failures, budget, post, lease, name, requests);
        }
        continue;
      }
      ProviderException failure = error(post, response);
      if (failure instanceof DefinitiveProviderException) {
        throw failure; // 400, 403, 404, 422...: no retry can cure it
      }
      last = failure;
      justDeleted = false;
      failures = waitBeforeRetry(failure, failures, budget, post, lease, name, requests);
    }
    throw gaveUp(post, lease, name, requests, budget, last, null);
  }

  /**
   * Before the next attempt of a create: nothing to do after a throttle's answer (the next request
   * waits at the throttle), else a backoff. Throws once the budget cannot hold the wait.
   *
   * @return the failures counted so far
   */
  private int waitBeforeRetry(ProviderException failure, int failures, Budget budget,
      ApiRequest post, Lease lease, String name, int requests) {
    if (isThrottleSignal(failure)) {
      if (budget.exhausted()) {
        throw gaveUp(post, lease, name, requests, budget, failure, null);
      }
      return failures;
    }
    Duration wait = backoff(failures);
    if (wait.compareTo(budget.left()) >= 0) {
      throw gaveUp(post, lease, name, requests, budget, failure, null);
    }
    log.debug("Create of '{}' for lease {}: retry in {} ms after: {}", name, lease.id(),
        wait.toMillis(), failure.getMessage());
    pause(wait);
    budget.spent(wait);
    return failures + 1;
  }

  private TransientProviderException gaveUp(ApiRequest post, Lease lease, String name,
      int requests, Budget budget, @Nullable ProviderException last,
      @Nullable Duration retryAfter) {
    Duration after = retryAfter != null ? retryAfter
        : last != null ? last.retryAfter().orElse(null) : null;
    return new TransientProviderException(post.describe() + " for lease " + lease.id()
        + " did not succeed within the create deadline of " + millis(budget.limit()) + " ("
        + requests + (requests == 1 ? " request" : " requests") + (last == null ? ""
            : "; last: " + last.getMessage()) + "). Credential '" + name + "' may exist; the"
        + " lease stays pending and reconciliation deletes any credential left behind", last,
        after);
  }

  private TransientProviderException throttledFor(Duration wait) {
    return new TransientProviderException("IBM API Connect at " + throttle.target()
        + " asked every caller to wait " + millis(wait) + " more", null, wait);
  }

  private static String millis(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }

  /** Deletes the credential {@code name} left by an attempt whose answer was lost: by its id. */
  private void deleteLeftover(String credentials, String name, Budget budget) {
    ApiRequest get = ApiRequest.get(credentials + "/" + PathSegments.encode(name), null);
    ApiResponse response = call(get, budget);
    String target = name;
    if (response.isSuccess()) {
      target = Json.objectOf(response).flatMap(n -> Json.text(n, "id")).orElse(name);
    } else if (response.status() == 404) {
      return; // gone meanwhile: the next POST can take the name
    } else if (response.status() != 400) {
      throw error(get, response);
    }
    deleteCredential(credentials, target, budget);
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
    step("authentication", this::authenticate);
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

  /** Gets a token, retrying a transient failure of the exchange as {@link #call} would. */
  private void authenticate() {
    Budget budget = Budget.of(options.clock(), settings.createDeadline());
    int failures = 0;
    for (int round = 0; ; round++) {
      try {
        awaitTurn(budget);
        tokens.get();
        return;
      } catch (TargetThrottle.WaitTooLong e) {
        throw throttledFor(e.wait);
      } catch (TransientProviderException e) {
        boolean throttled = isThrottleSignal(e);
        if (!throttled) {
          failures++;
        }
        if (failures > options.maxRetries() || round >= MAX_ROUNDS || budget.exhausted()) {
          throw e;
        }
        if (!throttled) {
          Duration wait = backoff(failures - 1);
          if (wait.compareTo(budget.left()) >= 0) {
            throw e;
          }
          pause(wait);
          budget.spent(wait);
        }
      }
    }
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

  /** The credential and its secret from a create answer; empty if the answer lacks any of them. */
  private Optional<CreatedCredential> readCreated(Lease lease, ApiResponse response, String name) {
    Optional<JsonNode> body = Json.objectOf(response);
    Optional<String> id = body.flatMap(n -> Json.text(n, "id"));
    Optional<String> clientId = body.flatMap(n -> Json.text(n, "client_id"));
    Optional<String> clientSecret = body.flatMap(n -> Json.text(n, "client_secret"));
    if (id.isEmpty() || clientId.isEmpty() || clientSecret.isEmpty()) {
      return Optional.empty();
    }
    log.debug("Created credential '{}' (id {}) for lease {}", name, id.get(), lease.id());
    return Optional.of(new CreatedCredential(id.get(),
        SecretData.of(ApiConnectProvider.CLIENT_ID, clientId.get(),
            ApiConnectProvider.CLIENT_SECRET, clientSecret.get()),
        Map.of(ApiConnectProvider.CREDENTIAL_NAME, name)));
  }

  private static String createdBodyProblem(ApiResponse response) {
    Optional<JsonNode> body = Json.objectOf(response);
    if (body.isEmpty()) {
      return bodyProblem(response, "a JSON object");
    }
    List<String> missing = new ArrayList<>();
    for (String field : List.of("id", "client_id", "client_secret")) {
      if (Json.text(body.get(), field).isEmpty()) {
        missing.add(field);
      }
    }
    return "a body without " + String.join(", ", missing);
  }

  /** @return whether the credential existed */
  private boolean deleteCredential(String credentials, String nameOrId) {
    return deleteCredential(credentials, nameOrId, Budget.of(options.clock(),
        settings.createDeadline()));
  }

  private boolean deleteCredential(String credentials, String nameOrId, Budget budget) {
    ApiRequest delete = ApiRequest.delete(credentials + "/" + PathSegments.encode(nameOrId));
    ApiResponse response = call(delete, budget);
    // A 2xx whose body is not JSON (cut off, or a proxy's page) confirms nothing; asking again is
    // safe and tells: 404 if it was deleted, a proper answer otherwise.
    for (int again = 0; again < options.maxRetries() && response.isSuccess()
        && response.body().length > 0 && !Json.isJson(response); again++) {
      log.debug("{} answered {} with a body that is not JSON; asking again", delete.describe(),
          status(response.status()));
      response = call(delete, budget);
    }
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
    Supplier<?> noItems = absentOk ? () -> null : null;
    pageThrough(path, "", noItems, visitor);
  }

  /**
   * Every item of the paged list at {@code path}, for discovery (see {@code
   * ApiConnectDiscovery}).
   *
   * @param query added to each page's {@code limit} and {@code offset}, e.g. {@code
   *     expand=consumer_org}; empty for none
   * @param whenAbsent what a 404 throws: the list's owner does not exist
   */
  public List<JsonNode> listAll(String path, String query,
      Supplier<? extends RuntimeException> whenAbsent) {
    List<JsonNode> items = new ArrayList<>();
    pageThrough(path, query, () -> {
      throw whenAbsent.get();
    }, item -> {
      items.add(item);
      return false;
    });
    return items;
  }

  /**
   * @param whenAbsent null if a 404 is an error; else called on a 404, which then means "no
   *     items" (if it returns) or the exception it throws
   */
  private void pageThrough(String path, String query, Supplier<?> whenAbsent,
      Predicate<JsonNode> visitor) {
    long offset = 0;
    int limit = options.pageSize();
    for (int pages = 0; pages < MAX_PAGES; pages++) {
      ApiRequest request = ApiRequest.get(path, "limit=" + limit + "&offset=" + offset
          + (query.isEmpty() ? "" : "&" + query));
      ApiResponse response = call(request);
      if (response.status() == 404 && whenAbsent != null) {
        whenAbsent.get();
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

  /** {@link #call(ApiRequest, Budget)} with a budget of one create deadline. */
  private ApiResponse call(ApiRequest request) {
    return call(request, Budget.of(options.clock(), settings.createDeadline()));
  }

  /**
   * Sends {@code request} with a bearer token. Returns any answer but a 401 (handled by one
   * re-authentication) or, for idempotent requests, a transient one, retried while failed attempts
   * ({@code maxRetries}) and the budget allow. An answer that pauses the throttle (429, or a
   * transient status with {@code Retry-After}) is not counted as a failed attempt: the request
   * waits its turn and goes again, so a busy platform slows revocations down without failing them.
   * A pause longer than a call may wait ({@code maxInlineWait}, or what is left of the budget)
   * ends the call with the wait as its {@code retryAfter}, for the engine to schedule.
   */
  private ApiResponse call(ApiRequest request, Budget budget) {
    int failures = 0;
    for (int round = 0; ; round++) {
      ProviderException failure;
      try {
        ApiResponse response = sendAuthorized(request, budget);
        if (!TRANSIENT_STATUSES.contains(response.status())) {
          return response;
        }
        failure = error(request, response);
      } catch (TargetThrottle.WaitTooLong e) {
        throw new TransientProviderException(request.describe() + " was not sent: IBM API Connect"
            + " at " + throttle.target() + " asked every caller to wait " + millis(e.wait)
            + " more, longer than one call waits", null, e.wait);
      } catch (TransientProviderException e) {
        failure = e;
      }
      boolean throttled = isThrottleSignal(failure);
      int attempts = failures + 1;
      if (!throttled) {
        failures++;
      }
      if (!request.idempotent() || failures > options.maxRetries() || round >= MAX_ROUNDS
          || budget.exhausted()) {
        throw round == 0 ? failure : new TransientProviderException(failure.getMessage()
            + " (gave up after " + (round + 1) + " attempts)", failure.getCause(),
            failure.retryAfter().orElse(null));
      }
      if (throttled) {
        continue; // the next send waits at the throttle
      }
      Duration wait = backoff(attempts - 1);
      if (wait.compareTo(budget.left()) >= 0) {
        throw new TransientProviderException(failure.getMessage() + " (gave up after "
            + (round + 1) + " attempts)", failure.getCause(), failure.retryAfter().orElse(null));
      }
      log.debug("Retry {} of {} in {} ms after: {}", failures, options.maxRetries(),
          wait.toMillis(), failure.getMessage());
      pause(wait);
      budget.spent(wait);
    }
  }

  /** A failure whose answer paused the throttle: the wait is the throttle's, not a backoff. */
  private static boolean isThrottleSignal(ProviderException failure) {
    return failure.retryAfter().filter(d -> !d.isZero() && !d.isNegative()).isPresent();
  }

  /**
   * Exponential backoff with full jitter (anywhere from 0 to {@code base * 2^failures}, at most
   * {@link #MAX_BACKOFF}), so that many callers failing together do not retry together.
   */
  private Duration backoff(int failures) {
    long cap = Math.min(MAX_BACKOFF.toMillis(),
        options.baseBackoff().toMillis() << Math.min(failures, 20));
    return Duration.ofMillis(ThreadLocalRandom.current().nextLong(cap + 1));
  }

  private void pause(Duration wait) {
    try {
      options.sleeper().sleep(wait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TransientProviderException("interrupted while waiting to retry", e);
    }
  }

  private ApiResponse sendAuthorized(ApiRequest request, @Nullable Budget budget) {
    if (closed) {
      throw new DefinitiveProviderException("this IBM API Connect connection is closed (its"
          + " dynamic secret was removed or replaced)");
    }
    awaitTurn(budget);
    TokenSource.Token token = tokens.get();
    ApiResponse response = exchange(request, token.value(), budget);
    if (response.status() != 401) {
      return response;
    }
    log.debug("{} answered 401; discarding the access token and authenticating again",
        request.describe());
    tokens.invalidate(token);
    awaitTurn(budget);
    TokenSource.Token fresh = tokens.get();
    response = exchange(request, fresh.value(), budget);
    if (response.status() == 401) {
      throw new DefinitiveProviderException(request.describe() + " answered 401 Unauthorized"
          + " even with a newly issued access token" + ErrorBodies.describe(response, redactor)
          + "; the API key's user may lack access to organization '" + settings.org() + "'");
    }
    return response;
  }

  /**
   * Sends one request; an answer asking to slow down pauses the throttle. Callers wait their turn
   * first ({@link #awaitTurn}); the token fetch runs right after its caller's turn.
   */
  private ApiResponse exchange(ApiRequest request, @Nullable Secret bearer,
      @Nullable Budget budget) {
    ApiResponse response = http.send(request, bearer);
    throttleWait(response).ifPresent(wait -> throttle.pause(wait,
        status(response.status()) + " to " + request.describe(), context));
    return response;
  }

  private void awaitTurn(@Nullable Budget budget) {
    try {
      throttle.awaitTurn(budget, options.maxInlineWait());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TransientProviderException("interrupted while waiting for IBM API Connect at "
          + throttle.target() + " to accept calls again", e);
    }
  }

  /**
   * How long an answer asks every caller to hold back: its {@code Retry-After} on a transient
   * status, or {@link #DEFAULT_THROTTLE_WAIT} for a 429 without one.
   */
  private Optional<Duration> throttleWait(ApiResponse response) {
    if (!TRANSIENT_STATUSES.contains(response.status())) {
      return Optional.empty();
    }
    Optional<Duration> asked = response.headers().firstValue("Retry-After")
        .flatMap(v -> RetryAfter.parse(v, options.clock().instant()))
        .filter(d -> !d.isZero() && !d.isNegative());
    if (asked.isEmpty() && response.status() == 429) {
      return Optional.of(DEFAULT_THROTTLE_WAIT);
    }
    return asked;
  }

  /** An error answer as an exception: transient for overload and gateway statuses. */
  private ProviderException error(ApiRequest request, ApiResponse response) {
    String message = request.describe() + " answered " + status(response.status())
        + ErrorBodies.describe(response, redactor);
    if (TRANSIENT_STATUSES.contains(response.status())) {
      Duration retryAfter = response.headers().firstValue("Retry-After")
          .flatMap(v -> RetryAfter.parse(v, options.clock().instant()))
          .orElse(response.status() == 429 ? DEFAULT_THROTTLE_WAIT : null);
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
    ApiResponse response = exchange(request, null, null);
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
