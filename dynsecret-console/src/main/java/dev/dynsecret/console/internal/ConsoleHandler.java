package dev.dynsecret.console.internal;

import dev.dynsecret.ConflictException;
import dev.dynsecret.CreatedLease;
import dev.dynsecret.DynamicSecret;
import dev.dynsecret.DynamicSecretException;
import dev.dynsecret.InvalidRequestException;
import dev.dynsecret.Lease;
import dev.dynsecret.LeaseLimitExceededException;
import dev.dynsecret.LeaseManager;
import dev.dynsecret.LeaseQuery;
import dev.dynsecret.LeaseState;
import dev.dynsecret.LeaseStateException;
import dev.dynsecret.ListedCredential;
import dev.dynsecret.ManagerClosedException;
import dev.dynsecret.NotFoundException;
import dev.dynsecret.OrphanSweepReport;
import dev.dynsecret.Page;
import dev.dynsecret.PartialRevocationException;
import dev.dynsecret.ProviderException;
import dev.dynsecret.ReconciliationReport;
import dev.dynsecret.Secret;
import dev.dynsecret.StoreException;
import dev.dynsecret.console.ConsoleRequest;
import dev.dynsecret.console.ConsoleResponse;
import dev.dynsecret.console.internal.Sessions.Session;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything {@link dev.dynsecret.console.Console} does: the static pages, the JSON API, the
 * checks in front of each write, the audit lines.
 */
public final class ConsoleHandler {
  /** How users are authenticated. */
  public enum Mode {
    /** The console's own token and sessions. */
    TOKEN,
    /** The host's (Spring Security). */
    HOST,
    /** None: only for a read-only console. */
    NONE
  }

  /** The session cookie. */
  public static final String COOKIE = "dynsecret_console";
  /** The header a token session's CSRF token comes back in. */
  public static final String CSRF_HEADER = "X-CSRF-Token";
  /** The most leases one page of the console lists. */
  static final int MAX_PAGE = 1000;
  private static final int DEFAULT_PAGE = 50;
  private static final int MAX_BODY = 16 * 1024;

  /** No inline script or style anywhere: every script and style sheet is a file of this jar. */
  static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self';"
      + " img-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none';"
      + " form-action 'self'; frame-ancestors 'none'";

  private static final Map<String, String> ASSETS = Map.of(
      "/", "index.html",
      "/assets/console.js", "console.js",
      "/assets/console.css", "console.css");

  private static final Logger LOG = LoggerFactory.getLogger(ConsoleHandler.class);
  private static final Logger AUDIT = LoggerFactory.getLogger("dev.dynsecret.console.audit");

  private final LeaseManager manager;
  private final Mode mode;
  private final @Nullable Secret token;
  private final boolean readOnly;
  private final Clock clock;
  private final Sessions sessions;
  private final Map<String, byte[]> assetCache = new ConcurrentHashMap<>();

  public ConsoleHandler(LeaseManager manager, Mode mode, @Nullable Secret token, boolean readOnly,
      Clock clock, Duration sessionTimeout) {
    this.manager = manager;
    this.mode = mode;
    this.token = token;
    this.readOnly = readOnly;
    this.clock = clock;
    this.sessions = new Sessions(clock, sessionTimeout);
  }

  /** Who is asking, as far as the console can tell. */
  private record Caller(@Nullable String user, @Nullable Session session) {
    boolean signedIn() {
      return user != null;
    }

    String who() {
      return user == null ? "anonymous" : user;
    }
  }

  /** A refusal or failure with its HTTP status and JSON body. */
  private static final class HttpError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int status;
    final transient Map<String, @Nullable Object> body;
    final String outcome;

    HttpError(int status, String error, String message, String outcome) {
      super(message, null, false, false);
      this.status = status;
      this.body = Json.object();
      body.put("error", error);
      body.put("message", message);
      this.outcome = outcome;
    }
  }

  public ConsoleResponse handle(ConsoleRequest request) {
    try {
      String path = request.path().isEmpty() ? "" : request.path();
      if (path.isEmpty()) {
        // Relative links in the page need the trailing slash.
        return response(302, Map.of("Location", request.mountPath() + "/"), new byte[0], null);
      }
      if (path.startsWith("/api/")) {
        return api(request, path);
      }
      return asset(request, path);
    } catch (RuntimeException e) {
      LOG.error("console: {} {} failed", request.method(), Texts.shown(request.path()), e);
      return json(500, error("internal", "the console failed; see the application's log"), null);
    }
  }

  // ------------------------------------------------------------------ static files

  private ConsoleResponse asset(ConsoleRequest request, String path) {
    String file = ASSETS.get(path);
    if (file == null) {
      return json(404, error("not-found", "no such page"), null);
    }
    if (!request.method().equals("GET") && !request.method().equals("HEAD")) {
      return methodNotAllowed("GET, HEAD");
    }
    byte[] body = assetCache.computeIfAbsent(file, ConsoleHandler::load);
    String type = file.endsWith(".html") ? "text/html; charset=utf-8"
        : file.endsWith(".js") ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8";
    return response(200, Map.of("Content-Type", type),
        request.method().equals("HEAD") ? new byte[0] : body, null);
  }

  private static byte[] load(String file) {
    try (InputStream in = ConsoleHandler.class.getResourceAsStream(
        "/dev/dynsecret/console/static/" + file)) {
      if (in == null) {
        throw new IllegalStateException("the console's " + file + " is missing from its jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ------------------------------------------------------------------ the API

  private ConsoleResponse api(ConsoleRequest request, String path) {
    String method = request.method();
    boolean write = method.equals("POST");
    if (!write && !method.equals("GET") && !method.equals("HEAD")) {
      return methodNotAllowed("GET, POST");
    }
    List<String> parts = segments(path.substring("/api/".length()));
    String action = describe(method, parts);
    Caller caller = caller(request);
    @Nullable String secret = parts.size() >= 2 && parts.get(0).equals("secrets") ? parts.get(1)
        : null;
    @Nullable String lease = parts.size() >= 2 && parts.get(0).equals("leases") ? parts.get(1)
        : null;
    try {
      if (write) {
        checkSameOrigin(request);
      }
      if (parts.equals(List.of("session")) && !write) {
        return json(200, session(request, caller), null);
      }
      if (parts.equals(List.of("login")) && write && mode == Mode.TOKEN) {
        return login(request);
      }
      if (mode == Mode.TOKEN && !caller.signedIn()) {
        throw new HttpError(401, "unauthenticated", "sign in with the console's token first",
            "refused (not signed in)");
      }
      if (write) {
        checkWrite(request, caller);
      }
      if (parts.equals(List.of("logout")) && write && mode == Mode.TOKEN) {
        sessions.remove(caller.session().id());
        audit(caller, "logout", null, null, "ok");
        return response(200, Map.of("Content-Type", "application/json",
            "Set-Cookie", cookie(request, "", 0)), Json.write(Map.of("signedIn", false))
            .getBytes(StandardCharsets.UTF_8), null);
      }
      ConsoleResponse answer = route(request, method, parts, caller);
      return answer;
    } catch (HttpError e) {
      if (write) {
        audit(caller, action, secret, lease, e.outcome);
      }
      return json(e.status, e.body, null);
    } catch (DynamicSecretException e) {
      HttpError mapped = mapped(e);
      if (write) {
        audit(caller, action, secret, lease, mapped.outcome);
      }
      return json(mapped.status, mapped.body, null);
    }
  }

  private ConsoleResponse route(ConsoleRequest request, String method, List<String> parts,
      Caller caller) {
    boolean write = method.equals("POST");
    if (!write && parts.equals(List.of("secrets"))) {
      return json(200, secrets(), null);
    }
    if (parts.size() == 3 && parts.get(0).equals("secrets") && parts.get(2).equals("leases")) {
      String secret = parts.get(1);
      requireSecret(secret);
      if (!write) {
        return json(200, leases(secret, request.query()), null);
      }
      Map<String, @Nullable Object> body = body(request);
      Duration ttl = ttl(body);
      CreatedLease created = manager.create(secret, ttl);
      audit(caller, "create", secret, created.lease().id(), "ok");
      Map<String, @Nullable Object> out = Json.object();
      out.put("lease", lease(created.lease()));
      Map<String, @Nullable Object> data = Json.object();
      // The one place secret data leaves the library: this answer's body, once.
      created.secretData().asMap().forEach((key, value) -> data.put(key, value.reveal()));
      out.put("secretData", data);
      return json(201, out, null);
    }
    if (write && parts.size() == 3 && parts.get(0).equals("secrets")
        && parts.get(2).equals("sweep")) {
      String secret = parts.get(1);
      requireSecret(secret);
      Map<String, @Nullable Object> body = body(request);
      Object dryRun = body.get("dryRun");
      if (!(dryRun instanceof Boolean)) {
        throw new InvalidRequestException("dryRun", "must be true (only report the orphans) or"
            + " false (delete them)");
      }
      OrphanSweepReport report = manager.sweepOrphans(secret, (Boolean) dryRun);
      audit(caller, (Boolean) dryRun ? "sweep-dry-run" : "sweep", secret, null,
          "ok (orphans " + report.orphans().size() + ", deleted " + report.deleted()
              + ", failed " + report.failed() + ")");
      return json(200, sweep(report), null);
    }
    if (write && parts.equals(List.of("reconcile"))) {
      body(request);
      ReconciliationReport report = manager.reconcile();
      audit(caller, "reconcile", null, null, "ok (examined " + report.examined() + ", reconciled "
          + report.reconciled() + ", in flight " + report.inFlight() + ", failed "
          + report.failed() + ")");
      Map<String, @Nullable Object> out = Json.object();
      out.put("examined", report.examined());
      out.put("reconciled", report.reconciled());
      out.put("inFlight", report.inFlight());
      out.put("failed", report.failed());
      return json(200, out, null);
    }
    if (parts.size() >= 2 && parts.get(0).equals("leases")) {
      String id = parts.get(1);
      if (!write && parts.size() == 2) {
        return json(200, withTime(lease(manager.get(id))), null);
      }
      if (write && parts.size() == 3) {
        String verb = parts.get(2);
        switch (verb) {
          case "renew" -> {
            Duration ttl = ttl(body(request));
            Lease renewed = manager.renew(id, ttl);
            audit(caller, "renew", renewed.secretName(), id, "ok (expires "
                + renewed.expiresAt() + ")");
            return json(200, withTime(lease(renewed)), null);
          }
          case "revoke" -> {
            body(request);
            Lease revoked = manager.revoke(id);
            audit(caller, "revoke", revoked.secretName(), id, "ok (" + revoked.state() + ")");
            return json(200, withTime(lease(revoked)), null);
          }
          case "force-revoke" -> {
            body(request);
            Lease current = manager.get(id);
            if (current.state() != LeaseState.REVOCATION_FAILED) {
              throw new HttpError(409, "state", "force-revoke is only for a lease whose"
                  + " revocation failed (REVOCATION_FAILED); this lease is " + current.state()
                  + (current.state() == LeaseState.ACTIVE ? ": revoke it instead" : ""),
                  "refused (lease is " + current.state() + ")");
            }
            Lease forced = manager.forceRevoke(id);
            audit(caller, "force-revoke", forced.secretName(), id, "ok (" + forced.state()
                + (forced.lastError() == null ? "" : ", deletion not confirmed") + ")");
            return json(200, withTime(lease(forced)), null);
          }
          default -> {
            // falls through to 404
          }
        }
      }
    }
    throw new HttpError(404, "not-found", "no such API call: " + method + " /api/"
        + Texts.shown(String.join("/", parts)), "refused (no such call)");
  }

  // ------------------------------------------------------------------ who, and may they

  private Caller caller(ConsoleRequest request) {
    return switch (mode) {
      case TOKEN -> {
        Optional<Session> session = sessions.find(cookieValue(request));
        yield session.map(s -> new Caller(s.user(), s)).orElse(new Caller(null, null));
      }
      case HOST -> new Caller(request.user(), null);
      case NONE -> new Caller(null, null);
    };
  }

  /**
   * A write must come from the console's own page: a JSON body (a cross-site form cannot send
   * one without the browser asking first) and, where the browser says, the same origin.
   */
  private static void checkSameOrigin(ConsoleRequest request) {
    String type = request.header("content-type");
    if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
      throw new HttpError(415, "content-type", "a write must send Content-Type: application/json",
          "refused (not JSON)");
    }
    String site = request.header("sec-fetch-site");
    if (site != null && !site.equals("same-origin")) {
      throw new HttpError(403, "origin", "a write must come from the console's own page",
          "refused (cross-site: " + Texts.shown(site) + ")");
    }
    String origin = request.header("origin");
    String host = request.header("host");
    if (origin != null && !origin.equals("null") && host != null) {
      String originHost;
      try {
        URI uri = URI.create(origin);
        originHost = uri.getPort() == -1 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
      } catch (IllegalArgumentException e) {
        originHost = null;
      }
      if (originHost == null || !originHost.equalsIgnoreCase(host)) {
        throw new HttpError(403, "origin", "a write must come from the console's own page",
            "refused (origin " + Texts.shown(origin) + ")");
      }
    } else if ("null".equals(origin)) {
      throw new HttpError(403, "origin", "a write must come from the console's own page",
          "refused (opaque origin)");
    }
  }

  private void checkWrite(ConsoleRequest request, Caller caller) {
    if (readOnly) {
      throw new HttpError(403, "read-only", "this console is read-only", "refused (read-only)");
    }
    switch (mode) {
      case TOKEN -> {
        if (!Sessions.constantTimeEquals(request.header(CSRF_HEADER),
            caller.session().csrfToken())) {
          throw new HttpError(403, "csrf", "the request's CSRF token is missing or wrong; reload"
              + " the page", "refused (CSRF token missing or wrong)");
        }
      }
      case HOST -> {
        if (!caller.signedIn()) {
          throw new HttpError(401, "unauthenticated", "sign in to the application to change"
              + " leases", "refused (not signed in)");
        }
        if (request.hostCsrf() == null) {
          throw new HttpError(403, "csrf", "the application's CSRF protection is off, so the"
              + " console refuses to change leases; turn Spring Security's CSRF protection on for"
              + " the console's path", "refused (host CSRF protection off)");
        }
      }
      case NONE -> throw new HttpError(403, "read-only", "this console is read-only",
          "refused (read-only)");
    }
  }

  private Map<String, @Nullable Object> session(ConsoleRequest request, Caller caller) {
    Map<String, @Nullable Object> out = Json.object();
    out.put("authentication", mode.name().toLowerCase(Locale.ROOT));
    out.put("signedIn", caller.signedIn());
    out.put("user", caller.user());
    out.put("readOnly", readOnly);
    boolean canWrite = !readOnly && caller.signedIn()
        && (mode == Mode.TOKEN || request.hostCsrf() != null);
    out.put("canWrite", canWrite);
    Map<String, @Nullable Object> csrf = null;
    if (mode == Mode.TOKEN && caller.session() != null) {
      csrf = Json.object();
      csrf.put("header", CSRF_HEADER);
      csrf.put("token", caller.session().csrfToken());
    } else if (mode == Mode.HOST && request.hostCsrf() != null) {
      csrf = Json.object();
      csrf.put("header", request.hostCsrf().headerName());
      csrf.put("token", request.hostCsrf().token());
    }
    out.put("csrf", csrf);
    return out;
  }

  private ConsoleResponse login(ConsoleRequest request) {
    Map<String, @Nullable Object> body = body(request);
    Object given = body.get("token");
    Caller nobody = new Caller(null, null);
    if (!(given instanceof String text) || text.isBlank()) {
      audit(nobody, "login", null, null, "refused (no token)");
      throw new InvalidRequestException("token", "is required: paste the token the console"
          + " printed when it started (or the content of its token file)");
    }
    if (token == null || !Sessions.constantTimeEquals(text.strip(), token.reveal().strip())) {
      audit(nobody, "login", null, null, "refused (wrong token)");
      throw new HttpError(401, "unauthenticated", "wrong token", "refused (wrong token)");
    }
    Session stored = sessions.create("token");
    Caller caller = new Caller(stored.user(), stored);
    audit(caller, "login", null, null, "ok");
    Map<String, @Nullable Object> out = session(request, caller);
    return response(200, Map.of("Content-Type", "application/json",
            "Set-Cookie", cookie(request, stored.id(), -1)),
        Json.write(out).getBytes(StandardCharsets.UTF_8), null);
  }

  private static String cookie(ConsoleRequest request, String value, int maxAge) {
    String path = request.mountPath().isEmpty() ? "/" : request.mountPath();
    return COOKIE + "=" + value + "; Path=" + path + "; HttpOnly; SameSite=Strict"
        + (request.secure() ? "; Secure" : "") + (maxAge >= 0 ? "; Max-Age=" + maxAge : "");
  }

  private static @Nullable String cookieValue(ConsoleRequest request) {
    List<String> headers = request.headers().get("cookie");
    if (headers == null) {
      return null;
    }
    for (String header : headers) {
      for (String part : header.split(";")) {
        String p = part.strip();
        if (p.startsWith(COOKIE + "=")) {
          return p.substring(COOKIE.length() + 1);
        }
      }
    }
    return null;
  }

  // ------------------------------------------------------------------ reads

  private Map<String, @Nullable Object> secrets() {
    List<Object> items = new ArrayList<>();
    for (DynamicSecret secret : manager.secrets()) {
      Map<String, @Nullable Object> item = Json.object();
      item.put("name", secret.name());
      item.put("providerType", secret.providerType());
      item.put("defaultTtl", secret.defaultTtl());
      item.put("maxTtl", secret.maxTtl());
      item.put("leaseLimit", secret.leaseLimit().isPresent() ? secret.leaseLimit().getAsInt()
          : null);
      Map<String, @Nullable Object> counts = Json.object();
      for (LeaseState state : LeaseState.values()) {
        counts.put(state.name(), manager.countLeases(secret.name(), EnumSet.of(state)));
      }
      item.put("counts", counts);
      items.add(item);
    }
    Map<String, @Nullable Object> out = Json.object();
    out.put("serverTime", clock.instant());
    out.put("secrets", items);
    return out;
  }

  private void requireSecret(String name) {
    if (manager.secret(name).isEmpty()) {
      throw new NotFoundException("no dynamic secret named '" + Texts.shown(name)
          + "' is registered");
    }
  }

  private Map<String, @Nullable Object> leases(String secret, String query) {
    Map<String, List<String>> params = query(query);
    Set<LeaseState> states = EnumSet.noneOf(LeaseState.class);
    for (String value : params.getOrDefault("state", List.of())) {
      for (String one : value.split(",")) {
        if (one.isBlank()) {
          continue;
        }
        try {
          states.add(LeaseState.valueOf(one.strip().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
          throw new InvalidRequestException("state", "must be one of "
              + List.of(LeaseState.values()) + "; was '" + Texts.shown(one) + "'");
        }
      }
    }
    int limit = DEFAULT_PAGE;
    List<String> limits = params.getOrDefault("limit", List.of());
    if (!limits.isEmpty()) {
      try {
        limit = Integer.parseInt(limits.get(0).strip());
      } catch (NumberFormatException e) {
        throw new InvalidRequestException("limit", "must be a whole number between 1 and "
            + MAX_PAGE + "; was '" + Texts.shown(limits.get(0)) + "'");
      }
      if (limit < 1 || limit > MAX_PAGE) {
        throw new InvalidRequestException("limit", "must be between 1 and " + MAX_PAGE
            + "; was " + limit);
      }
    }
    List<String> after = params.getOrDefault("after", List.of());
    LeaseQuery q = LeaseQuery.bySecret(secret, limit).withStates(states)
        .after(after.isEmpty() || after.get(0).isBlank() ? null : after.get(0));
    Page<Lease> page = manager.list(q);
    Map<String, @Nullable Object> out = Json.object();
    out.put("serverTime", clock.instant());
    out.put("secret", secret);
    List<Object> items = new ArrayList<>();
    page.items().forEach(l -> items.add(lease(l)));
    out.put("items", items);
    out.put("nextCursor", page.nextCursor());
    return out;
  }

  private Map<String, @Nullable Object> withTime(Map<String, @Nullable Object> lease) {
    Map<String, @Nullable Object> out = Json.object();
    out.put("serverTime", clock.instant());
    out.put("lease", lease);
    return out;
  }

  private static Map<String, @Nullable Object> lease(Lease lease) {
    Map<String, @Nullable Object> out = Json.object();
    out.put("id", lease.id());
    out.put("secretName", lease.secretName());
    out.put("externalId", lease.externalId());
    out.put("state", lease.state());
    out.put("revocationPending", lease.revocationPending());
    out.put("createdAt", lease.createdAt());
    out.put("expiresAt", lease.expiresAt());
    out.put("hardLimitAt", lease.hardLimitAt());
    out.put("renewedAt", lease.renewedAt());
    out.put("revokedAt", lease.revokedAt());
    out.put("revokeReason", lease.revokeReason());
    out.put("revocationAttempts", lease.revocationAttempts());
    out.put("nextAttemptAt", lease.nextAttemptAt());
    out.put("lastError", lease.lastError());
    out.put("metadata", new LinkedHashMap<>(lease.metadata()));
    return out;
  }

  private static Map<String, @Nullable Object> sweep(OrphanSweepReport report) {
    Map<String, @Nullable Object> out = Json.object();
    out.put("secret", report.secretName());
    out.put("supported", report.supported());
    out.put("dryRun", report.dryRun());
    out.put("listed", report.listed());
    out.put("tracked", report.tracked());
    out.put("tooYoung", report.tooYoung());
    out.put("undated", report.undated());
    List<Object> orphans = new ArrayList<>();
    for (ListedCredential orphan : report.orphans()) {
      Map<String, @Nullable Object> o = Json.object();
      o.put("leaseId", orphan.leaseId());
      o.put("externalId", orphan.externalId());
      o.put("name", orphan.name());
      orphans.add(o);
    }
    out.put("orphans", orphans);
    out.put("deleted", report.deleted());
    out.put("failed", report.failed());
    out.put("message", report.message());
    out.put("vanished", report.vanished());
    return out;
  }

  // ------------------------------------------------------------------ request parts

  private static Map<String, @Nullable Object> body(ConsoleRequest request) {
    byte[] bytes = request.body();
    if (bytes.length > MAX_BODY) {
      throw new InvalidRequestException("body", "must be at most " + MAX_BODY + " bytes; was "
          + bytes.length);
    }
    if (bytes.length == 0) {
      return Json.object();
    }
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new InvalidRequestException("body", "must be UTF-8 text");
    }
    if (text.isBlank()) {
      return Json.object();
    }
    try {
      return Json.readObject(text);
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestException("body", e.getMessage());
    }
  }

  private static @Nullable Duration ttl(Map<String, @Nullable Object> body) {
    Object ttl = body.get("ttl");
    if (ttl == null || (ttl instanceof String s && s.isBlank())) {
      return null;
    }
    if (!(ttl instanceof String text)) {
      throw new InvalidRequestException("ttl", Durations.RULE);
    }
    return Durations.parse("ttl", text);
  }

  private static List<String> segments(String rest) {
    List<String> parts = new ArrayList<>();
    for (String raw : rest.split("/", -1)) {
      parts.add(decode(raw));
    }
    if (!parts.isEmpty() && parts.get(parts.size() - 1).isEmpty()) {
      parts.remove(parts.size() - 1);
    }
    return parts;
  }

  /** Percent-decoding of a path segment ({@code +} stays a plus). */
  private static String decode(String raw) {
    try {
      return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return raw;
    }
  }

  private static Map<String, List<String>> query(String query) {
    Map<String, List<String>> params = new LinkedHashMap<>();
    if (query.isEmpty()) {
      return params;
    }
    for (String pair : query.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      try {
        params.computeIfAbsent(URLDecoder.decode(name, StandardCharsets.UTF_8),
            k -> new ArrayList<>()).add(URLDecoder.decode(value, StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        throw new InvalidRequestException("query", "must be URL-encoded");
      }
    }
    return params;
  }

  private static String describe(String method, List<String> parts) {
    if (parts.size() == 3 && parts.get(0).equals("leases")) {
      return parts.get(2);
    }
    if (parts.size() == 3 && parts.get(0).equals("secrets")) {
      return parts.get(2).equals("leases") ? "create" : parts.get(2);
    }
    return parts.isEmpty() ? method : String.join("-", parts);
  }

  // ------------------------------------------------------------------ answers

  private static HttpError mapped(DynamicSecretException e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if (e instanceof InvalidRequestException invalid) {
      String field = invalid.field();
      String prefix = field + ": ";
      String rule = message.startsWith(prefix) ? message.substring(prefix.length()) : message;
      HttpError error = new HttpError(400, "invalid", message, "refused (" + field + ": "
          + rule + ")");
      error.body.put("field", field);
      error.body.put("rule", rule);
      return error;
    }
    if (e instanceof NotFoundException) {
      return new HttpError(404, "not-found", message, "refused (not found)");
    }
    if (e instanceof LeaseStateException || e instanceof ConflictException
        || e instanceof LeaseLimitExceededException) {
      return new HttpError(409, "conflict", message, "refused (" + message + ")");
    }
    if (e instanceof ProviderException p) {
      HttpError error = new HttpError(p.isTransient() ? 503 : 502, "provider",
          "the provider failed: " + message, "failed (provider: " + message + ")");
      error.body.put("transient", p.isTransient());
      p.retryAfter().ifPresent(d -> error.body.put("retryAfter", d));
      return error;
    }
    if (e instanceof PartialRevocationException) {
      return new HttpError(502, "provider", message, "failed (" + message + ")");
    }
    if (e instanceof StoreException || e instanceof ManagerClosedException) {
      return new HttpError(503, "unavailable", message, "failed (" + message + ")");
    }
    return new HttpError(500, "failed", message, "failed (" + message + ")");
  }

  private static Map<String, @Nullable Object> error(String error, String message) {
    Map<String, @Nullable Object> out = Json.object();
    out.put("error", error);
    out.put("message", message);
    return out;
  }

  private static ConsoleResponse methodNotAllowed(String allow) {
    Map<String, @Nullable Object> body = error("method", "method not allowed; use " + allow);
    ConsoleResponse r = json(405, body, null);
    Map<String, String> headers = new LinkedHashMap<>(r.headers());
    headers.put("Allow", allow);
    return new ConsoleResponse(405, headers, r.body());
  }

  private static ConsoleResponse json(int status, Map<String, @Nullable Object> body,
      @Nullable String cookie) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "application/json");
    return response(status, headers, Json.write(body).getBytes(StandardCharsets.UTF_8), cookie);
  }

  private static ConsoleResponse response(int status, Map<String, String> extra, byte[] body,
      @Nullable String cookie) {
    Map<String, String> headers = new LinkedHashMap<>(extra);
    headers.put("Content-Security-Policy", CSP);
    headers.put("X-Content-Type-Options", "nosniff");
    headers.put("X-Frame-Options", "DENY");
    headers.put("Referrer-Policy", "no-referrer");
    headers.put("Cache-Control", "no-store");
    headers.put("Cross-Origin-Opener-Policy", "same-origin");
    headers.put("Cross-Origin-Resource-Policy", "same-origin");
    if (cookie != null) {
      headers.put("Set-Cookie", cookie);
    }
    return new ConsoleResponse(status, headers, body);
  }

  private static void audit(Caller caller, String action, @Nullable String secret,
      @Nullable String lease, String outcome) {
    AUDIT.info("user={} action={} secret={} lease={} outcome={}", Texts.shown(caller.who()),
        action, Texts.shown(secret), Texts.shown(lease), Texts.shown(outcome));
  }

}
