package dev.dynsecret.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynsecret.InvalidRequestException;
import dev.dynsecret.Lease;
import dev.dynsecret.LeaseQuery;
import dev.dynsecret.LeaseState;
import dev.dynsecret.Secret;
import dev.dynsecret.apic.simulator.Fault;
import dev.dynsecret.apic.simulator.RequestKind;
import dev.dynsecret.buildsupport.SecretsUsed;
import dev.dynsecret.console.internal.Json;
import dev.dynsecret.testkit.LogCapture;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The standalone console over HTTP: sign-in, the checks in front of writes, the JSON API. */
class ConsoleHttpTest {
  private static ConsoleFixture fixture;
  private Http http;

  @BeforeAll
  static void start() {
    fixture = new ConsoleFixture(false);
  }

  @AfterAll
  static void stop() {
    fixture.close();
  }

  @BeforeEach
  void signIn() {
    http = new Http(fixture.url());
    assertEquals(200, http.login(fixture.token.reveal()).statusCode());
  }

  private static Map<String, Object> json(HttpResponse<String> response) {
    return Json.readObject(response.body());
  }

  private long active() {
    return fixture.manager.countLeases(ConsoleFixture.SECRET, EnumSet.of(LeaseState.ACTIVE));
  }

  @Test
  void everyAnswerCarriesTheSecurityHeaders() {
    for (HttpResponse<String> r : List.of(http.get(""), http.get("assets/console.js"),
        http.get("api/secrets"), new Http(fixture.url()).get("api/secrets"),
        http.get("no-such-page"))) {
      String csp = r.headers().firstValue("Content-Security-Policy").orElseThrow();
      assertTrue(csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'")
          && !csp.contains("unsafe-inline"), csp);
      assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElseThrow());
      assertEquals("no-referrer", r.headers().firstValue("Referrer-Policy").orElseThrow());
      assertEquals("no-store", r.headers().firstValue("Cache-Control").orElseThrow());
    }
    assertEquals("text/javascript; charset=utf-8",
        http.get("assets/console.js").headers().firstValue("Content-Type").orElseThrow());
    assertTrue(http.get("").body().contains("<script src=\"assets/console.js\" defer></script>"));
  }

  @Test
  void signingInSetsAStrictHttpOnlyCookieAndAWrongTokenIsRefused() {
    Http other = new Http(fixture.url());
    HttpResponse<String> wrong = other.login("not-the-token-at-all-0123456789");
    assertEquals(401, wrong.statusCode());
    assertTrue(wrong.headers().firstValue("Set-Cookie").isEmpty());
    assertEquals(401, other.get("api/secrets").statusCode());
    HttpResponse<String> empty = other.post("api/login", "{}", "application/json", false, null);
    assertEquals(400, empty.statusCode());
    assertEquals("token", json(empty).get("field"));

    HttpResponse<String> ok = other.login(fixture.token.reveal());
    String cookie = ok.headers().firstValue("Set-Cookie").orElseThrow();
    assertTrue(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict")
        && cookie.contains("Path=/"), cookie);
    assertFalse(cookie.contains("Secure"), "plain HTTP: " + cookie);
    assertEquals(200, other.get("api/secrets").statusCode());
  }

  @Test
  void readsNeedASession() {
    Http anonymous = new Http(fixture.url());
    HttpResponse<String> r = anonymous.get("api/secrets/" + ConsoleFixture.SECRET + "/leases");
    assertEquals(401, r.statusCode());
    assertEquals("unauthenticated", json(r).get("error"));
    Map<String, Object> session = json(anonymous.get("api/session"));
    assertEquals(false, session.get("signedIn"));
    assertNull(session.get("csrf"));
    // The page itself holds no data and loads for the sign-in form.
    assertEquals(200, anonymous.get("").statusCode());
  }

  @Test
  void aWriteWithoutSessionOrCsrfTokenIsRefusedAndChangesNothing() {
    long before = active();
    String create = "api/secrets/" + ConsoleFixture.SECRET + "/leases";

    HttpResponse<String> noSession = new Http(fixture.url()).post(create, "{}");
    assertEquals(401, noSession.statusCode());
    HttpResponse<String> noCsrf = http.post(create, "{}", "application/json", false, null);
    assertEquals(403, noCsrf.statusCode());
    assertEquals("csrf", json(noCsrf).get("error"));
    String saved = http.csrf;
    http.csrf = "forged-" + saved.substring(7);
    assertEquals(403, http.post(create, "{}").statusCode());
    http.csrf = saved;
    HttpResponse<String> form = http.post(create, "ttl=1h", "application/x-www-form-urlencoded",
        true, null);
    assertEquals(415, form.statusCode());
    HttpResponse<String> crossSite = http.post(create, "{}", "application/json", true,
        "http://evil.example");
    assertEquals(403, crossSite.statusCode());
    assertEquals("origin", json(crossSite).get("error"));

    assertEquals(before, active());
  }

  @Test
  void aLeaseIsCreatedWithItsCredentialInThatOneAnswerOnly() throws Exception {
    HttpResponse<String> r = http.post("api/secrets/" + ConsoleFixture.SECRET + "/leases",
        "{\"ttl\":\"10m\"}", "application/json", true, fixture.url().replaceAll("/$", ""));
    assertEquals(201, r.statusCode(), r.body());
    Map<String, Object> body = json(r);
    @SuppressWarnings("unchecked")
    Map<String, Object> data = (Map<String, Object>) body.get("secretData");
    String clientId = (String) data.get("CLIENT_ID");
    String clientSecret = (String) data.get("CLIENT_SECRET");
    SecretsUsed.record(clientSecret);
    assertTrue(fixture.apic.isValidAppCredential(clientId, Secret.of(clientSecret)));
    @SuppressWarnings("unchecked")
    String id = (String) ((Map<String, Object>) body.get("lease")).get("id");
    Lease lease = fixture.manager.get(id);
    assertEquals(Duration.ofMinutes(10), Duration.between(lease.createdAt(), lease.expiresAt()));

    String list = http.get("api/secrets/" + ConsoleFixture.SECRET + "/leases?limit=1000").body();
    assertTrue(list.contains(id));
    assertFalse(list.contains(clientSecret), "the listing never holds secret data");
    assertFalse(http.get("api/leases/" + id).body().contains(clientSecret));
    assertEquals(200, http.post("api/leases/" + id + "/revoke", "{}").statusCode());
  }

  @Test
  void badInputGetsTheApisFieldAndRule() {
    String create = "api/secrets/" + ConsoleFixture.SECRET + "/leases";
    long before = active();
    Map<String, Object> ttl = json(http.post(create, "{\"ttl\":\"ten minutes\"}"));
    assertEquals("ttl", ttl.get("field"));
    assertTrue(((String) ttl.get("rule")).startsWith("must be a duration like 30s"), ttl.toString());
    HttpResponse<String> tooLong = http.post(create, "{\"ttl\":\"9h\"}");
    assertEquals(400, tooLong.statusCode());
    assertEquals("ttl", json(tooLong).get("field"));
    assertTrue(((String) json(tooLong).get("message")).startsWith("ttl: "));
    HttpResponse<String> notJson = http.post(create, "{ttl: 1h");
    assertEquals(400, notJson.statusCode());
    assertEquals("body", json(notJson).get("field"));
    assertEquals(before, active());

    String leases = "api/secrets/" + ConsoleFixture.SECRET + "/leases";
    assertEquals("limit", json(http.get(leases + "?limit=0")).get("field"));
    assertEquals("limit", json(http.get(leases + "?limit=lots")).get("field"));
    assertEquals("state", json(http.get(leases + "?state=ACTIVE,EXPIRED")).get("field"));
    assertEquals(404, http.get("api/secrets/no-such-secret/leases").statusCode());
    assertEquals(404, http.post("api/leases/no-such-lease/revoke", "{}").statusCode());
    HttpResponse<String> sweep = http.post("api/secrets/" + ConsoleFixture.SECRET + "/sweep", "{}");
    assertEquals(400, sweep.statusCode());
    assertEquals("dryRun", json(sweep).get("field"));
  }

  @Test
  void renewRevokeAndForceRevokeThroughTheApi() {
    String id = fixture.manager.create(ConsoleFixture.SECRET).lease().id();
    Instant before = Instant.now();
    HttpResponse<String> renewed = http.post("api/leases/" + id + "/renew", "{\"ttl\":\"2h\"}");
    assertEquals(200, renewed.statusCode(), renewed.body());
    Lease lease = fixture.manager.get(id);
    assertTrue(!lease.expiresAt().isBefore(before.plus(Duration.ofHours(2))));
    HttpResponse<String> pastLimit = http.post("api/leases/" + id + "/renew", "{\"ttl\":\"9h\"}");
    assertEquals(400, pastLimit.statusCode());
    assertEquals("ttl", json(pastLimit).get("field"));

    HttpResponse<String> forceActive = http.post("api/leases/" + id + "/force-revoke", "{}");
    assertEquals(409, forceActive.statusCode());
    assertEquals(LeaseState.ACTIVE, fixture.manager.get(id).state());

    fixture.apic.faults().failNext(20, Fault.status(403, Fault.BodyKind.JSON),
        RequestKind.DELETE_CREDENTIAL);
    try {
      HttpResponse<String> failed = http.post("api/leases/" + id + "/revoke", "{}");
      assertEquals(502, failed.statusCode(), failed.body());
      assertEquals(LeaseState.REVOCATION_FAILED, fixture.manager.get(id).state());
      HttpResponse<String> forced = http.post("api/leases/" + id + "/force-revoke", "{}");
      assertEquals(200, forced.statusCode(), forced.body());
      assertEquals(LeaseState.REVOKED, fixture.manager.get(id).state());
      assertNotNull(fixture.manager.get(id).lastError());
    } finally {
      fixture.apic.faults().clear();
    }
    assertEquals(409, http.post("api/leases/" + id + "/renew", "{}").statusCode());
  }

  @Test
  void everyWriteLeavesOneAuditLineWithoutSecretData() {
    LogCapture capture = LogCapture.startIfLogback("dev.dynsecret").orElseThrow();
    try {
      HttpResponse<String> r = http.post("api/secrets/" + ConsoleFixture.SECRET + "/leases", "{}");
      Map<String, Object> body = json(r);
      @SuppressWarnings("unchecked")
      Map<String, Object> data = (Map<String, Object>) body.get("secretData");
      @SuppressWarnings("unchecked")
      String id = (String) ((Map<String, Object>) body.get("lease")).get("id");
      SecretsUsed.record((String) data.get("CLIENT_SECRET"));
      http.post("api/leases/" + id + "/revoke", "{}");
      http.post("api/leases/" + id + "/renew", "{}", "application/json", false, null);
      List<String> audit = capture.events().stream()
          .filter(e -> e.contains(Console.AUDIT_LOGGER)).toList();
      assertEquals(3, audit.size(), audit.toString());
      assertTrue(audit.get(0).contains("action=create secret=orders-api lease=" + id
          + " outcome=ok"), audit.get(0));
      assertTrue(audit.get(0).contains("user=token#"), audit.get(0));
      assertTrue(audit.get(1).contains("action=revoke") && audit.get(1).contains("outcome=ok"));
      assertTrue(audit.get(2).contains("action=renew")
          && audit.get(2).contains("outcome=refused (CSRF"), audit.get(2));
      for (String line : capture.events()) {
        assertFalse(line.contains((String) data.get("CLIENT_SECRET")), line);
        assertFalse(line.contains(http.csrf) || line.contains(fixture.token.reveal()), line);
      }
    } finally {
      capture.stop();
    }
  }

  @Test
  void reconcileAndSweepAnswerWithTheirReports() {
    Map<String, Object> reconcile = json(http.post("api/reconcile", "{}"));
    assertEquals(0L, reconcile.get("failed"));
    Map<String, Object> dry = json(http.post("api/secrets/" + ConsoleFixture.OTHER + "/sweep",
        "{\"dryRun\":true}"));
    assertEquals(true, dry.get("supported"));
    assertEquals(true, dry.get("dryRun"));
    assertEquals(0L, dry.get("deleted"));
  }

  @Test
  void aReadOnlyConsoleRefusesEveryWrite() {
    try (ConsoleFixture readOnly = new ConsoleFixture(true)) {
      Http h = new Http(readOnly.url());
      h.login(readOnly.token.reveal());
      assertEquals(false, json(h.get("api/session")).get("canWrite"));
      HttpResponse<String> r = h.post("api/secrets/" + ConsoleFixture.SECRET + "/leases", "{}");
      assertEquals(403, r.statusCode());
      assertEquals("read-only", json(r).get("error"));
      assertEquals(0, readOnly.manager.list(LeaseQuery.all(10)).items().size());
      assertEquals(200, h.get("api/secrets").statusCode());
    }
  }

  @Test
  void aConsoleThatCouldWriteWithoutAuthenticationIsNotBuilt() {
    InvalidRequestException e = assertThrows(InvalidRequestException.class,
        () -> Console.builder(fixture.manager).build());
    assertEquals("authentication", e.field());
    assertEquals("token", assertThrows(InvalidRequestException.class,
        () -> Console.builder(fixture.manager).tokenAuthentication(Secret.of("short"))).field());
    Console.builder(fixture.manager).readOnly(true).build();
  }
}
