package dev.dynsecret.apic;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static dev.dynsecret.apic.Apic.APPS;
import static dev.dynsecret.apic.Apic.CREDENTIALS;
import static dev.dynsecret.apic.Apic.CREDENTIAL_NAME;
import static dev.dynsecret.apic.Apic.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.dynsecret.testkit.TestClock;
import dev.dynsecret.DefinitiveProviderException;
import dev.dynsecret.ProviderException;
import dev.dynsecret.TransientProviderException;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import dev.dynsecret.spi.ProviderConnection;
import dev.dynsecret.spi.CreatedCredential;
import dev.dynsecret.spi.CredentialRef;

/** Error bodies of every shape, failure classification, retries and Retry-After. */
class FailureHandlingTest {
  @RegisterExtension
  static WireMockExtension wm = WireMockExtension.newInstance()
      .options(wireMockConfig().dynamicPort()).build();

  private static final String BY_ID = CREDENTIALS + "/cred-id-1";
  private static final String BY_NAME = CREDENTIALS + "/" + CREDENTIAL_NAME;

  private final TestClock clock = TestClock.at(Apic.T0);
  private final RecordingSleeper sleeper = new RecordingSleeper();
  private final ApiConnectProvider provider = ApiConnectProvider.builder()
      .clock(clock).sleeper(sleeper).pageSize(2).build();
  private ProviderConnection handle;

  @BeforeEach
  void connect() {
    Apic.stubToken(wm);
    handle = provider.connect(Apic.config(wm).build());
  }

  @AfterEach
  void close() {
    handle.close();
  }

  private ProviderException revokeFailure() {
    return assertThrows(ProviderException.class,
        () -> handle.revoke(CredentialRef.of(Apic.activeLease("cred-id-1"))));
  }

  /** DELETE by id answers {@code first}, then 204. */
  private void stubDeleteFailingOnceWith(ResponseDefinitionBuilder first) {
    wm.stubFor(delete(urlEqualTo(BY_ID)).inScenario("flaky")
        .whenScenarioStateIs(STARTED).willSetStateTo("recovered").willReturn(first));
    wm.stubFor(delete(urlEqualTo(BY_ID)).inScenario("flaky")
        .whenScenarioStateIs("recovered").willReturn(aResponse().withStatus(204)));
  }

  // ------------------------------------------------------------- bodies

  @Test
  void apicErrorBodyBecomesAReadableMessage() {
    wm.stubFor(delete(urlEqualTo(BY_ID)).willReturn(aResponse().withStatus(400)
        .withHeader("Content-Type", "application/json")
        .withBody("{\"status\":400,\"message\":[\"Invalid credential\",\"Check\\nthe id\"],"
            + "\"errors\":{\"x\":[1,2]}}")));

    ProviderException e = revokeFailure();

    assertEquals(DefinitiveProviderException.class, e.getClass());
    assertEquals("DELETE " + BY_ID + " answered 400 Bad Request: Invalid credential; Check the id",
        e.getMessage());
  }

  @Test
  void htmlErrorPageFromAProxyIsSummarizedByItsTitle() {
    wm.stubFor(delete(urlEqualTo(BY_ID)).willReturn(aResponse().withStatus(502)
        .withHeader("Content-Type", "text/html; charset=utf-8")
        .withBody("<html><head><title>502 Bad Gateway</title></head><body><h1>nginx</h1>"
            + "</body></html>")));

    ProviderException e = revokeFailure();

    assertEquals(TransientProviderException.class, e.getClass());
    assertContains(e.getMessage(), "DELETE " + BY_ID + " answered 502 Bad Gateway with an HTML"
        + " page titled '502 Bad Gateway' (gave up after 4 attempts)");
  }

  @Test
  void emptyErrorBodyIsSaidToBeEmpty() {
    wm.stubFor(post(urlEqualTo(CREDENTIALS)).willReturn(aResponse().withStatus(403)));

    DefinitiveProviderException e = assertThrows(DefinitiveProviderException.class,
        () -> handle.create(Apic.lease()));

    assertEquals("POST " + CREDENTIALS + " answered 403 Forbidden with an empty body",
        e.getMessage());
  }

  @Test
  void plainTextErrorBodyIsQuotedShortened() {
    wm.stubFor(post(urlEqualTo(CREDENTIALS)).willReturn(aResponse().withStatus(418)
        .withBody("I'm a teapot " + "x".repeat(1000))));

    DefinitiveProviderException e = assertThrows(DefinitiveProviderException.class,
        () -> handle.create(Apic.lease()));

    assertContains(e.getMessage(), "answered 418: I'm a teapot xxx");
    assertTrue(e.getMessage().length() < 500, e.getMessage());
  }

  @Test
  void oversizedErrorBodyIsCutOffAndStillReported() {
    String page = "<html><head><title>Internal error</title></head><body>"
        + "y".repeat(5 * 1024 * 1024) + "</body></html>";
    wm.stubFor(post(urlEqualTo(CREDENTIALS)).willReturn(aResponse().withStatus(500)
        .withHeader("Content-Type", "text/html").withBody(page)));

    TransientProviderException e = assertThrows(TransientProviderException.class,
        () -> handle.create(Apic.lease()));

    assertContains(e.getMessage(), "last: POST " + CREDENTIALS + " answered 500 Internal Server"
        + " Error with an HTML page titled 'Internal error' (body cut off after 65536 bytes)");
  }

  @Test
  void oversizedSuccessBodyIsAnErrorNotAnOutOfMemory() {
    Apic.stubToken(wm);
    ProviderConnection resolving = provider.connect(Apic.config(wm).put("consumerOrg", (String) null).build());
    wm.stubFor(get(urlPathEqualTo(APPS)).willReturn(okJson(
        "{\"total_results\":1,\"results\":[{\"name\":\"" + "z".repeat(2 * 1024 * 1024)
            + "\"}]}")));
    try {
      TransientProviderException e = assertThrows(TransientProviderException.class,
          () -> resolving.create(Apic.lease()));
      assertContains(e.getMessage(), "GET " + APPS + "?limit=2&offset=0 answered 200 OK with a"
          + " body larger than 1 MiB");
    } finally {
      resolving.close();
    }
  }

  /** The first POST answers {@code first}; then the name is taken until deleted by id. */
  private void stubCreateAnsweredFirstWith(ResponseDefinitionBuilder first) {
    wm.stubFor(post(urlEqualTo(CREDENTIALS)).inScenario("lost")
        .whenScenarioStateIs(STARTED).willSetStateTo("made").willReturn(first));
    wm.stubFor(post(urlEqualTo(CREDENTIALS)).inScenario("lost")
        .whenScenarioStateIs("made").willReturn(Apic.apicError(409, "already exists")));
    wm.stubFor(get(urlEqualTo(BY_NAME)).inScenario("lost")
        .whenScenarioStateIs("made").willReturn(okJson("{\"id\":\"leftover-id\"}")));
    wm.stubFor(delete(urlEqualTo(CREDENTIALS + "/leftover-id")).inScenario("lost")
        .whenScenarioStateIs("made").willSetStateTo("gone").willReturn(aResponse().withStatus(204)));
    wm.stubFor(post(urlEqualTo(CREDENTIALS)).inScenario("lost")
        .whenScenarioStateIs("gone").willReturn(Apic.created(201)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "{\"id\":\"cred-id-1\",\"client_id\":\"abc\",\"client_sec",
      "<html>ok</html>", "{\"id\":\"cred-id-1\",\"client_id\":\"abc\"}"})
  void unusableCreateAnswerIsReplacedByACredentialWhoseSecretIsKnown(String body) {
    stubCreateAnsweredFirstWith(aResponse().withStatus(201)
        .withHeader("Content-Type", "application/json").withBody(body));

    CreatedCredential created = handle.create(Apic.lease());

    assertEquals(Apic.GENERATED_SECRET,
        created.secretData().get(ApiConnectProvider.CLIENT_SECRET).reveal());
    wm.verify(3, postRequestedFor(urlEqualTo(CREDENTIALS)));
    wm.verify(1, deleteRequestedFor(urlEqualTo(CREDENTIALS + "/leftover-id")));
  }

  @Test
  void createAnsweredWithAnOversizedBodyIsReplaced() {
    stubCreateAnsweredFirstWith(aResponse().withStatus(201)
        .withBody("{\"id\":\"" + "9".repeat(1024 * 1024 + 10) + "\"}"));

    CreatedCredential created = handle.create(Apic.lease());

    assertEquals("cred-id-1", created.externalId());
    wm.verify(1, deleteRequestedFor(urlEqualTo(CREDENTIALS + "/leftover-id")));
  }

  // ------------------------------------------------------------- network faults

  @ParameterizedTest
  @ValueSource(strings = {"CONNECTION_RESET_BY_PEER", "EMPTY_RESPONSE",
      "MALFORMED_RESPONSE_CHUNK", "RANDOM_DATA_THEN_CLOSE"})
  void droppedConnectionOnCreateIsRetried(String fault) {
    wm.stubFor(post(urlEqualTo(CREDENTIALS)).inScenario("drop")
        .whenScenarioStateIs(STARTED).willSetStateTo("ok")
        .willReturn(aResponse().withFault(Fault.valueOf(fault))));
    wm.stubFor(post(urlEqualTo(CREDENTIALS)).inScenario("drop")
        .whenScenarioStateIs("ok").willReturn(Apic.created(201)));

    CreatedCredential created = handle.create(Apic.lease());

    assertEquals("cred-id-1", created.externalId());
    wm.verify(2, postRequestedFor(urlEqualTo(CREDENTIALS)));
    assertEquals(1, sleeper.waits.size(), "one backoff");
  }

  @Test
  void droppedConnectionOnDeleteIsRetried() {
    stubDeleteFailingOnceWith(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER));

    handle.revoke(CredentialRef.of(Apic.activeLease("cred-id-1")));

    wm.verify(2, deleteRequestedFor(urlEqualTo(BY_ID)));
    assertEquals(1, sleeper.waits.size());
  }

  @Test
  void slowAnswerTimesOutTransiently() {
    ProviderConnection impatient = provider.connect(Apic.config(wm).put("requestTimeout", "200ms")
        .build());
    wm.stubFor(post(urlEqualTo(CREDENTIALS))
        .willReturn(Apic.created(201).withFixedDelay(3000)));
    try {
      TransientProviderException e = assertThrows(TransientProviderException.class,
          () -> impatient.create(Apic.lease()));
      assertContains(e.getMessage(), "POST " + CREDENTIALS + " timed out after 200 ms");
    } finally {
      impatient.close();
    }
  }

  @Test
  void aBodyThatTricklesInPastTheTimeoutTimesOutTransiently() {
    // The headers come at once; the body drips in over 3 s. The request timeout alone only covers
    // the headers, so without the body deadline this create would succeed after 3 s.
    ProviderConnection impatient = provider.connect(Apic.config(wm).put("requestTimeout", "300ms")
        .build());
    wm.stubFor(post(urlEqualTo(CREDENTIALS))
        .willReturn(Apic.created(201).withChunkedDribbleDelay(30, 3000)));
    try {
      TransientProviderException e = assertThrows(TransientProviderException.class,
          () -> impatient.create(Apic.lease()));
      assertContains(e.getMessage(), "POST " + CREDENTIALS + " timed out after 300 ms");
    } finally {
      impatient.close();
    }
  }

  @Test
  void unreachableServerIsTransient() {
    ProviderConnection nowhere = provider.connect(Apic.config(wm).put("url", "http://127.0.0.1:1")
        .build());
    try {
      TransientProviderException e = assertThrows(TransientProviderException.class,
          () -> nowhere.create(Apic.lease()));
      assertContains(e.getMessage(), "POST /api/token could not connect to http://127.0.0.1:1");
    } finally {
      nowhere.close();
    }
  }

  // ------------------------------------------------------------- retries

  @Test
  void tooManyRequestsOnDeleteWaitsRetryAfterSecondsAndRetries() {
    stubDeleteFailingOnceWith(Apic.apicError(429, "Rate limit exceeded")
        .withHeader("Retry-After", "2"));

    handle.revoke(CredentialRef.of(Apic.activeLease("cred-id-1")));

    wm.verify(2, deleteRequestedFor(urlEqualTo(BY_ID)));
    assertEquals(List.of(Duration.ofSeconds(2)), sleeper.waits);
  }

  @Test
  void serviceUnavailableOnGetWaitsRetryAfterDateAndRetries() {
    String in5s = DateTimeFormatter.RFC_1123_DATE_TIME
        .format(Apic.T0.plusSeconds(5).atOffset(ZoneOffset.UTC));
    wm.stubFor(get(urlEqualTo(BY_NAME)).inScenario("busy")
        .whenScenarioStateIs(STARTED).willSetStateTo("ok")
        .willReturn(aResponse().withStatus(503).withHeader("Retry-After", in5s)));
    wm.stubFor(get(urlEqualTo(BY_NAME)).inScenario("busy")
        .whenScenarioStateIs("ok").willReturn(okJson("{\"id\":\"cred-id-1\"}")));

    assertEquals(Optional.of("cred-id-1"), handle.lookup().orElseThrow().find(CredentialRef.of(Apic.lease())));
    assertEquals(List.of(Duration.ofSeconds(5)), sleeper.waits);
  }

  @Test
  void persistentServerErrorsOnDeleteAreRetriedThreeTimesWithGrowingBackoff() {
    wm.stubFor(delete(urlEqualTo(BY_ID)).willReturn(Apic.apicError(500, "Internal error")));

    ProviderException e = revokeFailure();

    assertEquals(TransientProviderException.class, e.getClass());
    assertEquals("DELETE " + BY_ID + " answered 500 Internal Server Error: Internal error"
        + " (gave up after 4 attempts)", e.getMessage());
    wm.verify(4, deleteRequestedFor(urlEqualTo(BY_ID)));
    assertEquals(3, sleeper.waits.size());
    for (int i = 0; i < 3; i++) {
      long ceiling = 250L << i;
      long ms = sleeper.waits.get(i).toMillis();
      assertTrue(ms >= 0 && ms <= ceiling, "wait " + i + " was " + ms + " ms"); // full jitter
    }
  }

  @Test
  void retryAfterLongerThanACallMayWaitIsLeftToTheCaller() {
    wm.stubFor(delete(urlEqualTo(BY_ID)).willReturn(aResponse().withStatus(429)
        .withHeader("Retry-After", "120")));

    ProviderException e = revokeFailure();

    assertEquals(Optional.of(Duration.ofSeconds(120)), e.retryAfter());
    assertTrue(sleeper.waits.isEmpty());
    wm.verify(1, deleteRequestedFor(urlEqualTo(BY_ID)));
  }

  @Test
  void createRetriesATransientStatusUntilTheDeadlineThenLeavesTheRestToReconciliation() {
    ProviderConnection patient = provider.connect(Apic.config(wm).put("createDeadline", "20s")
        .build());
    wm.stubFor(post(urlEqualTo(CREDENTIALS)).willReturn(aResponse().withStatus(503)
        .withHeader("Retry-After", "7")));

    TransientProviderException e = assertThrows(TransientProviderException.class,
        () -> patient.create(Apic.lease()));
    patient.close();

    // 7 s + 7 s waited; a third wait would end past the 20 s deadline, so it is not begun.
    assertEquals(List.of(Duration.ofSeconds(7), Duration.ofSeconds(7)), sleeper.waits);
    wm.verify(3, postRequestedFor(urlEqualTo(CREDENTIALS)));
    assertEquals(Optional.of(Duration.ofSeconds(7)), e.retryAfter());
    assertContains(e.getMessage(), "did not succeed within the create deadline of 20 s (3"
        + " requests; last: POST " + CREDENTIALS + " answered 503 Service Unavailable");
    assertContains(e.getMessage(), "reconciliation deletes any credential left behind");
  }

  @ParameterizedTest
  @ValueSource(ints = {400, 403, 404, 405, 422})
  void clientErrorsOnGetAreDefinitiveAndNotRetried(int status) {
    wm.stubFor(get(urlPathEqualTo(APPS)).willReturn(Apic.apicError(status, "no")));
    ProviderConnection resolving = provider.connect(Apic.config(wm).put("consumerOrg", (String) null).build());
    try {
      assertThrows(DefinitiveProviderException.class,
          () -> resolving.create(Apic.lease()));
    } finally {
      resolving.close();
    }
    wm.verify(1, getRequestedFor(urlPathEqualTo(APPS)));
  }

  @Test
  void redirectIsNotFollowedSoTheTokenStaysHome() {
    wm.stubFor(post(urlEqualTo(CREDENTIALS)).willReturn(aResponse().withStatus(302)
        .withHeader("Location", "https://elsewhere.example.com/steal")));

    DefinitiveProviderException e = assertThrows(DefinitiveProviderException.class,
        () -> handle.create(Apic.lease()));

    assertContains(e.getMessage(), "answered 302 with an empty body (redirects are not followed;"
        + " check the url)");
  }
}
