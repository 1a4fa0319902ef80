package dev.dynsecret.security;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.dynsecret.CreatedLease;
import dev.dynsecret.DefinitiveProviderException;
import dev.dynsecret.DynamicSecret;
import dev.dynsecret.Lease;
import dev.dynsecret.LeaseManager;
import dev.dynsecret.LeaseState;
import dev.dynsecret.ProviderException;
import dev.dynsecret.TransientProviderException;
import dev.dynsecret.apic.ApiConnectKeys;
import dev.dynsecret.apic.ApiConnectProvider;
import dev.dynsecret.memory.MemoryLeaseStore;
import dev.dynsecret.spi.CredentialRef;
import dev.dynsecret.spi.LeaseRecord;
import dev.dynsecret.spi.LeaseStore;
import dev.dynsecret.ProviderConfig;
import dev.dynsecret.spi.ProviderConnection;
import dev.dynsecret.testkit.TestClock;
import dev.dynsecret.buildsupport.SecretsUsed;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malformed answers from a real HTTP server standing in for IBM API Connect (or a proxy in front
 * of it): HTML pages, truncated JSON, wrong JSON types, a 10 MB body, empty bodies with 2xx, on
 * the token, create, delete, list-apps and find calls. Each ends in a {@link ProviderException}
 * of the right kind whose message names the call and the problem, within the test's time limit
 * (no hang) and memory (bodies are capped), and the lease store stays consistent: a failed create
 * leaves no active lease, and a failed revoke leaves none revoked.
 */
@Timeout(30)
class MalformedApicAnswersTest {
  static final String TOKEN = SecretsUsed.declare("sec-SECRET-token-5e5e5e5e");
  static final String GENERATED = SecretsUsed.declare("sec-SECRET-generated-9a9a9a");
  static final String CREDENTIALS = "/api/apps/acme/sandbox/acme-dev/orders-app/credentials";
  static final String APPS = "/api/catalogs/acme/sandbox/apps";
  private static final byte[] TEN_MB = tenMegabytes();

  @RegisterExtension
  static WireMockExtension wm = WireMockExtension.newInstance()
      .options(wireMockConfig().dynamicPort()).build();

  private final TestClock clock = TestClock.standard();
  private final LeaseStore store = new MemoryLeaseStore();
  private LeaseManager manager;

  /** A bad answer body and the phrase the error must use for it. */
  record Body(String name, String contentType, byte[] bytes, String problem) {
    static Body json(String json, String problem) {
      return new Body(json, "application/json", json.getBytes(StandardCharsets.UTF_8), problem);
    }

    ResponseDefinitionBuilder answer(int status) {
      ResponseDefinitionBuilder r = aResponse().withStatus(status).withBody(bytes);
      return contentType == null ? r : r.withHeader("Content-Type", contentType);
    }

    @Override
    public String toString() {
      return name.length() <= 70 ? name : name.substring(0, 50) + "...";
    }
  }

  private static byte[] tenMegabytes() {
    byte[] body = new byte[10 * 1024 * 1024];
    Arrays.fill(body, (byte) 'a');
    byte[] start = "{\"access_token\":\"".getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(start, 0, body, 0, start.length);
    return body;
  }

  /** Bodies that are not a JSON object at all, for any call. */
  static List<Body> notAnObject() {
    return List.of(
        new Body("HTML error page", "text/html", ("<!DOCTYPE html><html><head><title>Proxy"
            + " Login</title></head><body><form>sign in</form></body></html>")
            .getBytes(StandardCharsets.UTF_8), "a body that is not a JSON object"),
        new Body("HTML labelled as JSON", "application/json",
            "<html><body>oops</body></html>".getBytes(StandardCharsets.UTF_8),
            "a body that is not a JSON object"),
        Body.json("{\"access_token\":\"abc\",\"id\":\"x\",\"results\":[{\"na", "a body that is not a JSON object"),
        Body.json("{\"a\":1}}", "a body that is not a JSON object"),
        Body.json("[]", "a body that is not a JSON object"),
        Body.json("null", "a body that is not a JSON object"),
        Body.json("\"just a string\"", "a body that is not a JSON object"),
        Body.json("42", "a body that is not a JSON object"),
        new Body("plain text", "text/plain", "OK".getBytes(StandardCharsets.UTF_8),
            "a body that is not a JSON object"),
        new Body("binary", "application/octet-stream", new byte[] {0, (byte) 0xff, 0x1b, 0x7f},
            "a body that is not a JSON object"),
        new Body("empty body", null, new byte[0], "an empty body"),
        new Body("10 MB body", "application/json", TEN_MB, "a body larger than 1 MiB"));
  }

  @BeforeEach
  void start() {
    stubHealthyPlatform();
    manager = LeaseManager.builder().store(store).clock(clock)
        .provider(ApiConnectProvider.builder().clock(clock).build())
        .secret(DynamicSecret.builder("orders-api")
            .provider(ApiConnectProvider.TYPE, config(true))
            .defaultTtl(Duration.ofHours(1)).build())
        .secret(DynamicSecret.builder("orders-api-lookup")
            .provider(ApiConnectProvider.TYPE, config(false))
            .defaultTtl(Duration.ofHours(1)).build())
        .build();
  }

  @AfterEach
  void stop() {
    manager.close();
  }

  static ProviderConfig config(boolean withConsumerOrg) {
    return ProviderConfig.builder()
        .put(ApiConnectKeys.URL, wm.baseUrl())
        .put(ApiConnectKeys.API_KEY, Fixture.API_KEY)
        .put(ApiConnectKeys.CLIENT_ID, "toolkit-client")
        .put(ApiConnectKeys.CLIENT_SECRET, Fixture.CLIENT_SECRET)
        .put(ApiConnectKeys.ORG, "acme")
        .put(ApiConnectKeys.CATALOG, "sandbox")
        .put(ApiConnectKeys.APP, "orders-app")
        .put(ApiConnectKeys.CONSUMER_ORG, withConsumerOrg ? "acme-dev" : null)
        .put(ApiConnectKeys.REQUEST_TIMEOUT, "5s")
        // A malformed answer is retried until the deadline; the waits are really slept here.
        .put(ApiConnectKeys.CREATE_DEADLINE, "200ms")
        .build();
  }

  private static void stubHealthyPlatform() {
    wm.stubFor(post(urlEqualTo("/api/token")).willReturn(okJson("{\"access_token\":\"" + TOKEN
        + "\",\"token_type\":\"Bearer\",\"expires_in\":28800}")));
    wm.stubFor(post(urlPathEqualTo(CREDENTIALS)).willReturn(aResponse().withStatus(201)
        .withHeader("Content-Type", "application/json").withBody(credential("\"cred-1\""))));
    wm.stubFor(delete(urlPathEqualTo(CREDENTIALS + "/cred-1")).willReturn(aResponse().withStatus(204)));
    wm.stubFor(get(urlPathEqualTo(APPS)).willReturn(okJson("{\"total_results\":1,\"results\":["
        + "{\"id\":\"app-1\",\"name\":\"orders-app\",\"consumer_org_url\":"
        + "\"https://x/api/consumer-orgs/acme/sandbox/acme-dev\"}]}")));
  }

  private static String credential(String id) {
    return "{\"id\":" + id + ",\"name\":\"n\",\"client_id\":\"client-1\",\"client_secret\":\""
        + GENERATED + "\"}";
  }

  private void assertNoActiveLease() {
    for (LeaseRecord lease : Fixture.snapshot(store)) {
      assertNotEquals(LeaseState.ACTIVE, lease.state(), () -> "active after a failed create: " + lease);
    }
  }

  private static void assertNamed(ProviderException e, String call, String problem) {
    assertTrue(e.getMessage().contains(call), () -> "call not named: " + e.getMessage());
    assertTrue(e.getMessage().contains(problem), () -> "problem not named: " + e.getMessage());
    assertTrue(e.getMessage().length() < 3_000, () -> "message of " + e.getMessage().length());
    for (String secret : List.of(TOKEN, GENERATED, Fixture.API_KEY, Fixture.CLIENT_SECRET)) {
      assertFalse(e.getMessage().contains(secret), "a secret in " + e.getMessage());
    }
  }

  /** A failed create: transient leaves the lease pending for reconciliation, definitive closes it. */
  private ProviderException failedCreate(String secret, Class<? extends ProviderException> type) {
    ProviderException e = assertThrows(ProviderException.class, () -> manager.create(secret));
    assertEquals(type, e.getClass(), e::getMessage);
    assertNoActiveLease();
    List<LeaseRecord> leases = Fixture.snapshot(store);
    assertEquals(1, leases.size());
    assertEquals(type == TransientProviderException.class ? LeaseState.PENDING
        : LeaseState.REVOKED, leases.get(0).state(), leases.get(0)::toString);
    return e;
  }

  // ------------------------------------------------------------------ token

  static Stream<Body> tokenBodies() {
    List<Body> bodies = new ArrayList<>(notAnObject());
    for (String json : List.of("{}", "{\"access_token\":null}", "{\"access_token\":\"\"}",
        "{\"access_token\":\"   \"}", "{\"access_token\":{}}", "{\"access_token\":[\"t\"]}",
        "{\"access_token\":true}", "{\"token\":\"t\",\"token_type\":\"Bearer\"}")) {
      bodies.add(Body.json(json, "without an access_token"));
    }
    return bodies.stream();
  }

  @ParameterizedTest(name = "[{index}] token answered 200 with {0}")
  @MethodSource("tokenBodies")
  void aMalformedTokenAnswerFailsTheCreateAndLeavesNoActiveLease(Body body) {
    wm.stubFor(post(urlEqualTo("/api/token")).willReturn(body.answer(200)));

    boolean definitive = body.problem().startsWith("without");
    ProviderException e = failedCreate("orders-api", definitive
        ? DefinitiveProviderException.class : TransientProviderException.class);

    assertNamed(e, "POST /api/token answered 200", body.problem());
  }

  // ------------------------------------------------------------------ create

  static Stream<Body> createBodies() {
    List<Body> bodies = new ArrayList<>(notAnObject());
    String ok = "\"client_id\":\"client-1\",\"client_secret\":\"" + GENERATED + "\"";
    bodies.add(Body.json("{}", "a body without id, client_id, client_secret"));
    bodies.add(Body.json("{\"id\":\"cred-1\",\"client_id\":\"client-1\"}",
        "a body without client_secret"));
    for (String badSecret : List.of("null", "\"\"", "{}", "[]", "true", "[\"" + GENERATED + "\"]")) {
      bodies.add(Body.json("{\"id\":\"cred-1\",\"client_id\":\"client-1\",\"client_secret\":"
          + badSecret + "}", "a body without client_secret"));
    }
    for (String badId : List.of("null", "\"\"", "{}", "[]", "true", "{\"id\":\"cred-1\"}")) {
      bodies.add(Body.json("{\"id\":" + badId + "," + ok + "}", "a body without id"));
    }
    bodies.add(Body.json("{\"id\":\"cred-1\",\"client_secret\":\"" + GENERATED + "\"}",
        "a body without client_id"));
    bodies.add(Body.json("{\"credential\":{\"id\":\"cred-1\"," + ok + "}}",
        "a body without id, client_id, client_secret"));
    return bodies.stream();
  }

  @ParameterizedTest(name = "[{index}] create answered 201 with {0}")
  @MethodSource("createBodies")
  void aMalformedCreateAnswerLeavesThePendingLeaseForReconciliation(Body body) {
    wm.stubFor(post(urlPathEqualTo(CREDENTIALS)).willReturn(body.answer(201)));

    ProviderException e = failedCreate("orders-api", TransientProviderException.class);

    assertNamed(e, "POST " + CREDENTIALS + " answered 201 Created with", body.problem());
    assertTrue(e.getMessage().contains("secret is unknown"), e::getMessage);
    assertTrue(e.getMessage().contains("reconciliation deletes any credential left behind"),
        e::getMessage);
    // Every attempt asked for the lease's one name, so the platform can hold at most one
    // credential for it, which reconciliation deletes by that name.
    LeaseRecord pending = Fixture.snapshot(store).get(0);
    int posts = wm.findAll(postRequestedFor(urlPathEqualTo(CREDENTIALS))).size();
    assertTrue(posts >= 1);
    wm.verify(posts, postRequestedFor(urlPathEqualTo(CREDENTIALS))
        .withRequestBody(containing("\"dynsecret-" + pending.id() + "\"")));
  }

  @ParameterizedTest(name = "[{index}] create answered {0} with an empty body")
  @MethodSource("successStatuses")
  void anEmptySuccessfulCreateAnswerIsNotTakenForACredential(int status) {
    wm.stubFor(post(urlPathEqualTo(CREDENTIALS)).willReturn(aResponse().withStatus(status)));

    ProviderException e = failedCreate("orders-api", TransientProviderException.class);

    assertNamed(e, "answered " + status, "an empty body");
  }

  static Stream<Integer> successStatuses() {
    return Stream.of(200, 201, 202);
  }

  @Test
  void reconciliationClosesTheLeaseOfAMalformedCreateOnceNothingIsLeft() {
    wm.stubFor(post(urlPathEqualTo(CREDENTIALS)).willReturn(okJson("{\"id\":\"cred-1\"}")));
    failedCreate("orders-api", TransientProviderException.class);
    LeaseRecord pending = Fixture.snapshot(store).get(0);
    wm.stubFor(get(urlPathEqualTo(CREDENTIALS + "/dynsecret-" + pending.id()))
        .willReturn(aResponse().withStatus(404)));
    wm.stubFor(get(urlPathEqualTo(CREDENTIALS))
        .willReturn(okJson("{\"total_results\":0,\"results\":[]}")));

    assertEquals(1, manager.processDue());

    Lease closed = manager.get(pending.id());
    assertEquals(LeaseState.REVOKED, closed.state());
  }

  @Test
  void aNumericIdIsAcceptedAsTextAndUsedToDelete() {
    // Ids are strings on every platform seen; a number is a harmless variant, kept as its text.
    wm.stubFor(post(urlPathEqualTo(CREDENTIALS)).willReturn(aResponse().withStatus(201)
        .withHeader("Content-Type", "application/json").withBody(credential("5"))));
    wm.stubFor(delete(urlPathEqualTo(CREDENTIALS + "/5")).willReturn(aResponse().withStatus(204)));

    CreatedLease created = manager.create("orders-api");
    assertEquals("5", created.lease().externalId());
    assertEquals(LeaseState.REVOKED, manager.revoke(created.lease().id()).state());
    wm.verify(deleteRequestedFor(urlEqualTo(CREDENTIALS + "/5")));
  }

  // ------------------------------------------------------------------ delete

  record DeleteCase(int status, Body body, boolean definitive) {
    @Override
    public String toString() {
      return status + " with " + body;
    }
  }

  static Stream<DeleteCase> deleteAnswers() {
    List<Body> bodies = notAnObject();
    List<DeleteCase> cases = new ArrayList<>();
    // A 2xx whose body is not JSON did not come from APIC (a proxy's login page, a cut-off
    // answer): the delete is not confirmed. Valid JSON of any shape, or no body, is APIC's.
    for (Body body : bodies) {
      if (body.bytes().length > 0 && !isJson(body.bytes())) {
        cases.add(new DeleteCase(200, body, false));
      }
    }
    cases.add(new DeleteCase(400, bodies.get(0), true));
    cases.add(new DeleteCase(403, bodies.get(10), true));
    cases.add(new DeleteCase(405, bodies.get(11), true));
    cases.add(new DeleteCase(503, bodies.get(11), false));
    return cases.stream();
  }

  private static boolean isJson(byte[] body) {
    try {
      new com.fasterxml.jackson.databind.ObjectMapper()
          .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .readTree(body);
      return body.length < 1024 * 1024;
    } catch (java.io.IOException e) {
      return false;
    }
  }

  @ParameterizedTest(name = "[{index}] delete answered {0}")
  @MethodSource("deleteAnswers")
  void aMalformedDeleteAnswerNeverMarksTheLeaseRevoked(DeleteCase c) {
    CreatedLease created = manager.create("orders-api");
    wm.stubFor(delete(urlPathEqualTo(CREDENTIALS + "/cred-1")).willReturn(c.body().answer(c.status())));

    ProviderException e = assertThrows(ProviderException.class,
        () -> manager.revoke(created.lease().id()));

    assertEquals(c.definitive(), !e.isTransient(), e::getMessage);
    assertNamed(e, "DELETE " + CREDENTIALS + "/cred-1 answered " + c.status(), "");
    Lease after = manager.get(created.lease().id());
    assertNotEquals(LeaseState.REVOKED, after.state());
    assertEquals(c.definitive() ? LeaseState.REVOCATION_FAILED : LeaseState.ACTIVE, after.state());
  }

  // ------------------------------------------------------------------ list apps

  static Stream<Body> appListBodies() {
    List<Body> bodies = new ArrayList<>(notAnObject());
    for (String json : List.of("{}", "{\"total_results\":1}", "{\"results\":{}}",
        "{\"results\":\"orders-app\"}", "{\"results\":null}", "{\"total_results\":1,\"results\":5}")) {
      bodies.add(Body.json(json, "without a 'results' list"));
    }
    for (String total : List.of("\"x\"", "{}", "[]", "true", "1.5", "\"1e3\"")) {
      bodies.add(Body.json("{\"total_results\":" + total + ",\"results\":[{\"name\":\"orders-app\","
          + "\"consumer_org_url\":\"https://x/api/consumer-orgs/acme/sandbox/acme-dev\"}]}",
          "'total_results' that is not a whole number"));
    }
    for (String app : List.of("{\"name\":\"orders-app\"}", "{\"name\":\"orders-app\","
        + "\"consumer_org_url\":{}}", "{\"name\":\"orders-app\",\"consumer_org_url\":null}")) {
      bodies.add(Body.json("{\"total_results\":1,\"results\":[" + app + "]}",
          "has no consumer_org_url"));
    }
    for (String items : List.of("\"orders-app\", 5, null", "{\"name\":{\"x\":\"orders-app\"}}",
        "{\"title\":\"orders-app\"}")) {
      bodies.add(Body.json("{\"total_results\":3,\"results\":[" + items + "]}", "was not found"));
    }
    return bodies.stream();
  }

  @ParameterizedTest(name = "[{index}] list apps answered 200 with {0}")
  @MethodSource("appListBodies")
  void aMalformedApplicationListFailsTheCreateNamingTheProblem(Body body) {
    wm.stubFor(get(urlPathEqualTo(APPS)).willReturn(body.answer(200)));

    boolean definitive = body.problem().equals("has no consumer_org_url")
        || body.problem().equals("was not found");
    ProviderException e = failedCreate("orders-api-lookup", definitive
        ? DefinitiveProviderException.class : TransientProviderException.class);

    assertNamed(e, definitive ? "application 'orders-app'" : "GET " + APPS, body.problem());
  }

  // ------------------------------------------------------------------ find

  static Stream<Body> findBodies() {
    List<Body> bodies = new ArrayList<>(notAnObject());
    bodies.add(Body.json("{\"results\":{}}", "without a 'results' list"));
    bodies.add(Body.json("{\"total_results\":\"x\",\"results\":[]}",
        "'total_results' that is not a whole number"));
    return bodies.stream();
  }

  @ParameterizedTest(name = "[{index}] find: by name 200 with junk, list 200 with {0}")
  @MethodSource("findBodies")
  void aMalformedListDuringFindIsATransientFailure(Body body) {
    Lease lease = pendingLease();
    wm.stubFor(get(urlPathEqualTo(CREDENTIALS + "/dynsecret-" + lease.id()))
        .willReturn(okJson("{\"id\":{\"not\":\"text\"}}")));
    wm.stubFor(get(urlPathEqualTo(CREDENTIALS)).willReturn(body.answer(200)));

    ProviderException e = find(lease, TransientProviderException.class);

    assertNamed(e, "GET " + CREDENTIALS + "?limit=", body.problem());
  }

  @Test
  void aFindRefusedWithAnHtmlPageIsDefinitiveAndSaysWhatTheServerSaid() {
    Lease lease = pendingLease();
    wm.stubFor(get(urlPathEqualTo(CREDENTIALS + "/dynsecret-" + lease.id()))
        .willReturn(notAnObject().get(0).answer(403)));

    ProviderException e = find(lease, DefinitiveProviderException.class);

    assertNamed(e, "answered 403 Forbidden", "HTML page titled 'Proxy Login'");
  }

  private static Lease pendingLease() {
    return LeaseRecord.builder().id("0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b").secretName("orders-api")
        .state(LeaseState.PENDING).createdAt(java.time.Instant.EPOCH)
        .expiresAt(java.time.Instant.EPOCH.plusSeconds(3600))
        .hardLimitAt(java.time.Instant.EPOCH.plusSeconds(3600)).metadata(Map.of()).build().toLease();
  }

  private static ProviderException find(Lease lease, Class<? extends ProviderException> type) {
    ApiConnectProvider provider = ApiConnectProvider.builder().build();
    ProviderConnection handle = provider.connect(config(true));
    try {
      ProviderException e = assertThrows(ProviderException.class,
          () -> handle.lookup().orElseThrow().find(CredentialRef.of(lease)));
      assertEquals(type, e.getClass(), e::getMessage);
      return e;
    } finally {
      handle.close();
    }
  }
}
