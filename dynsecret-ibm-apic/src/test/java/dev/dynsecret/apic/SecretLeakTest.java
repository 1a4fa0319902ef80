package dev.dynsecret.apic;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static dev.dynsecret.apic.Apic.API_KEY;
import static dev.dynsecret.apic.Apic.CLIENT_SECRET;
import static dev.dynsecret.apic.Apic.CREDENTIALS;
import static dev.dynsecret.apic.Apic.CREDENTIAL_NAME;
import static dev.dynsecret.apic.Apic.GENERATED_SECRET;
import static dev.dynsecret.apic.Apic.TOKEN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.dynsecret.testkit.LogCapture;
import dev.dynsecret.testkit.TestClock;
import dev.dynsecret.spi.CreatedCredential;
import dev.dynsecret.ProviderConfig;
import dev.dynsecret.buildsupport.SecretsUsed;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import dev.dynsecret.spi.ProviderConnection;
import dev.dynsecret.spi.CredentialRef;

/**
 * Runs real scenarios (create, revoke, conflicts, re-authentication, rejected keys, servers that
 * echo credentials back in error text, dropped connections) with every log event captured, then
 * searches logs, exception messages and toString() output for the secrets involved.
 */
class SecretLeakTest {
  @RegisterExtension
  static WireMockExtension wm = WireMockExtension.newInstance()
      .options(wireMockConfig().dynamicPort()).build();

  private static final String SECOND_TOKEN = SecretsUsed.declare("eyJ-SECRET-second-token-7777");
  private static final List<String> SECRETS =
      List.of(API_KEY, CLIENT_SECRET, TOKEN, SECOND_TOKEN, GENERATED_SECRET);

  private LogCapture logs;
  private final List<Throwable> thrown = new ArrayList<>();
  private final List<String> described = new ArrayList<>();
  private final ApiConnectProvider provider = ApiConnectProvider.builder()
      .clock(TestClock.at(Apic.T0)).sleeper(new RecordingSleeper()).pageSize(2).build();

  @BeforeEach
  void capture() {
    logs = LogCapture.startIfLogback().orElseThrow();
  }

  @AfterEach
  void release() {
    logs.stop();
  }

  private void attempt(Runnable action) {
    try {
      action.run();
    } catch (RuntimeException e) {
      thrown.add(e);
    }
  }

  private ProviderConnection connect(ProviderConfig config) {
    ProviderConnection handle = provider.connect(config);
    described.add(handle.toString());
    described.add(config.toString());
    return handle;
  }

  @Test
  void noSecretReachesLogsExceptionsOrToString() {
    ProviderConfig config = Apic.config(wm).put("consumerOrg", (String) null).build();
    wm.stubFor(get(urlPathEqualTo(Apic.APPS)).willReturn(okJson("{\"total_results\":1,"
        + "\"results\":[{\"id\":\"app-1\",\"name\":\"orders-app\",\"consumer_org_url\":"
        + "\"https://x/api/consumer-orgs/acme/sandbox/acme-dev\"}]}")));

    // Tokens: first one, then (after a 401) a second one, then the key is "used up" and echoed.
    wm.stubFor(post(urlEqualTo("/api/token")).inScenario("key").whenScenarioStateIs(STARTED)
        .willSetStateTo("one").willReturn(okJson(Apic.tokenJson(TOKEN, 28800))));
    wm.stubFor(post(urlEqualTo("/api/token")).inScenario("key").whenScenarioStateIs("one")
        .willSetStateTo("two").willReturn(okJson(Apic.tokenJson(SECOND_TOKEN, 28800))));
    wm.stubFor(post(urlEqualTo("/api/token")).inScenario("key").whenScenarioStateIs("two")
        .willReturn(Apic.apicError(401, "api_key " + API_KEY + " already used with client_secret "
            + CLIENT_SECRET)));

    // 1. create: a conflict, delete by name, create again.
    wm.stubFor(post(urlEqualTo(CREDENTIALS)).inScenario("create").whenScenarioStateIs(STARTED)
        .willSetStateTo("conflicted").willReturn(Apic.apicError(409, "already exists")));
    wm.stubFor(delete(urlEqualTo(CREDENTIALS + "/" + CREDENTIAL_NAME))
        .willReturn(aResponse().withStatus(204)));
    wm.stubFor(post(urlEqualTo(CREDENTIALS)).inScenario("create").whenScenarioStateIs("conflicted")
        .willSetStateTo("created").willReturn(Apic.created(201)));
    ProviderConnection handle = connect(config);
    CreatedCredential created = handle.create(Apic.lease());
    described.add(created.toString());
    described.add(created.secretData().toString());
    described.add(created.secretData().asMap().toString());
    described.add(Apic.activeLease(created.externalId()).toString());

    // 2. a create whose answer holds the secret but no id: cleaned up, reported.
    wm.stubFor(post(urlEqualTo(CREDENTIALS)).inScenario("create").whenScenarioStateIs("created")
        .willSetStateTo("echoing").willReturn(aResponse().withStatus(201)
            .withBody("{\"client_id\":\"x\",\"client_secret\":\"" + GENERATED_SECRET + "\"}")));
    attempt(() -> handle.create(Apic.lease()));

    // 3. errors that echo credentials and the token back, as JSON, HTML and plain text.
    wm.stubFor(post(urlEqualTo(CREDENTIALS)).inScenario("create").whenScenarioStateIs("echoing")
        .willSetStateTo("html").willReturn(Apic.apicError(400, "Bearer " + TOKEN + " invalid for "
            + API_KEY)));
    attempt(() -> handle.create(Apic.lease()));
    wm.stubFor(post(urlEqualTo(CREDENTIALS)).inScenario("create").whenScenarioStateIs("html")
        .willSetStateTo("text").willReturn(aResponse().withStatus(502)
            .withHeader("Content-Type", "text/html")
            .withBody("<html><title>Bad token " + TOKEN + "</title></html>")));
    attempt(() -> handle.create(Apic.lease()));
    wm.stubFor(post(urlEqualTo(CREDENTIALS)).inScenario("create").whenScenarioStateIs("text")
        .willSetStateTo("reset").willReturn(aResponse().withStatus(500)
            .withBody("client_secret=" + CLIENT_SECRET)));
    attempt(() -> handle.create(Apic.lease()));

    // 4. a dropped connection, and retries with Retry-After.
    wm.stubFor(post(urlEqualTo(CREDENTIALS)).inScenario("create").whenScenarioStateIs("reset")
        .willSetStateTo("expired").willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
    attempt(() -> handle.create(Apic.lease()));
    wm.stubFor(delete(urlEqualTo(CREDENTIALS + "/cred-id-1")).inScenario("revoke")
        .whenScenarioStateIs(STARTED).willSetStateTo("ok")
        .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1")));
    wm.stubFor(delete(urlEqualTo(CREDENTIALS + "/cred-id-1")).inScenario("revoke")
        .whenScenarioStateIs("ok").willReturn(aResponse().withStatus(404)));
    handle.revoke(CredentialRef.of(Apic.activeLease("cred-id-1")));
    handle.revoke(CredentialRef.of(Apic.activeLease("cred-id-1")));
    handle.lookup().orElseThrow().find(CredentialRef.of(Apic.lease()));

    // 5. the token is rejected: re-authenticate once (second token), still rejected.
    wm.stubFor(post(urlEqualTo(CREDENTIALS)).inScenario("create").whenScenarioStateIs("expired")
        .willReturn(Apic.apicError(401, "token " + TOKEN + " expired")));
    attempt(() -> handle.create(Apic.lease()));

    // 6. the token is rejected again, and the single-use key is refused (echoed back).
    attempt(() -> handle.create(Apic.lease()));
    attempt(() -> handle.verify());
    described.add(handle.toString());
    handle.close();

    // The secrets did travel, so the search below is not vacuous.
    assertEquals(GENERATED_SECRET, created.secretData().get("CLIENT_SECRET").reveal());
    // First token, second after the 401, then two refused exchanges (create, verify).
    assertEquals(4, wm.findAll(postRequestedFor(urlEqualTo("/api/token"))).size());
    assertTrue(wm.findAll(postRequestedFor(urlEqualTo("/api/token"))).get(0).getBodyAsString()
        .contains(API_KEY));
    assertTrue(thrown.size() >= 7, "failures seen: " + thrown.size());
    List<String> events = logs.events();
    assertTrue(events.size() > 20, "log events: " + events.size());
    for (String event : events) {
      assertClean("log event", event);
    }
    for (Throwable e : thrown) {
      StringWriter trace = new StringWriter();
      e.printStackTrace(new PrintWriter(trace));
      assertClean("exception", trace.toString());
    }
    for (String text : described) {
      assertClean("toString", text);
    }
    assertClean("provider", provider.toString());
    assertClean("thrown", thrown.toString());
    assertClean("all", Map.of("logs", events.toString()).toString());
  }

  private static void assertClean(String where, String text) {
    if (text == null) {
      return;
    }
    for (String secret : SECRETS) {
      if (text.contains(secret)) {
        fail(where + " leaks a secret: " + text);
      }
    }
  }
}
