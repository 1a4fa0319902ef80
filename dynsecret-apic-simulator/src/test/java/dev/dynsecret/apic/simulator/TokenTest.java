package dev.dynsecret.apic.simulator;

import dev.dynsecret.testkit.TestClock;
import static dev.dynsecret.apic.simulator.SimClient.assertError;
import static dev.dynsecret.apic.simulator.SimClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dynsecret.Secret;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TokenTest {
  private final TestClock clock = TestClock.standard();
  private ApicSimulator sim;

  @AfterEach
  void stop() {
    if (sim != null) {
      sim.close();
    }
  }

  private SimClient start(ApicSimulator.Builder builder) {
    sim = builder.clock(clock).start();
    return new SimClient(sim);
  }

  @Test
  void apiKeyGrantIssuesABearerTokenForEightHoursByDefault() {
    SimClient client = start(ApicSimulator.builder());

    HttpResponse<String> response = client.tokenCall();

    assertEquals(200, response.statusCode());
    JsonNode body = json(response);
    assertEquals("Bearer", body.get("token_type").asText());
    assertEquals(28_800, body.get("expires_in").asLong());
    assertEquals(3, body.get("access_token").asText().split("\\.").length, "JWT-shaped");
    assertEquals(1, sim.requestCount(RequestKind.TOKEN));
  }

  @Test
  void expiresInFollowsTheConfiguredTokenTtl() {
    SimClient client = start(ApicSimulator.builder().tokenTtl(Duration.ofMinutes(10)));

    assertEquals(600, json(client.tokenCall()).get("expires_in").asLong());
  }

  @Test
  void configuredKeyAndToolkitClientAreTheOnesAccepted() {
    SimClient client = start(ApicSimulator.builder()
        .apiKey(Secret.of("my-key"))
        .toolkitClient("toolkit-id", Secret.of("toolkit-secret")));

    assertEquals(200, client.tokenCall("my-key", "toolkit-id", "toolkit-secret").statusCode());
    assertEquals("my-key", sim.apiKey().reveal());
    assertEquals("toolkit-id", sim.clientId());
  }

  @Test
  void wrongApiKeyClientIdOrClientSecretIsRejectedWith401() {
    SimClient client = start(ApicSimulator.builder());
    String key = sim.apiKey().reveal();
    String id = sim.clientId();
    String secret = sim.clientSecret().reveal();

    assertError(401, client.tokenCall(key + "x", id, secret));
    assertError(401, client.tokenCall(key, id + "x", secret));
    assertError(401, client.tokenCall(key, id, secret + "x"));
    assertError(401, client.tokenCall("", id, secret));
    assertEquals(200, client.tokenCall(key, id, secret).statusCode());
  }

  @Test
  void otherGrantsAndMalformedBodiesAreBadRequests() {
    SimClient client = start(ApicSimulator.builder());

    String password = "{\"grant_type\":\"password\",\"username\":\"u\",\"password\":\"p\"}";
    assertError(400, client.send(client.request("/api/token")
        .POST(BodyPublishers.ofString(password)).build()));
    assertError(400, client.send(client.request("/api/token")
        .POST(BodyPublishers.ofString("{not json")).build()));
  }

  @Test
  void everyPlatformCallNeedsAValidBearerToken() {
    SimClient client = start(ApicSimulator.builder());
    String path = sim.seed().credentialsPath();

    assertError(401, client.get(path)); // no Authorization header
    assertError(401, client.send(client.request(path).header("Authorization", "Bearer nope")
        .GET().build()));
    assertError(401, client.send(client.request(path)
        .header("Authorization", "Basic " + sim.apiKey().reveal()).GET().build()));
    assertEquals(200, client.login().get(path).statusCode());
  }

  @Test
  void tokenIsRejectedOnceItsTtlHasPassedOnTheClock() {
    SimClient client = start(ApicSimulator.builder().tokenTtl(Duration.ofHours(1))).login();
    String path = sim.seed().credentialsPath();

    clock.advance(Duration.ofMinutes(59).plusSeconds(59));
    assertEquals(200, client.get(path).statusCode());

    clock.advance(Duration.ofSeconds(1));
    assertTrue(assertError(401, client.get(path)).contains("expired"));

    assertEquals(200, client.login().get(path).statusCode(), "a new token works");
  }

  @Test
  void singleUseKeyRejectsASecondExchangeButItsTokenKeepsWorking() {
    SimClient client = start(ApicSimulator.builder().apiKeyPolicy(ApiKeyPolicy.singleUse()))
        .login();

    String message = assertError(401, client.tokenCall());

    assertTrue(message.contains("single-use"), message);
    assertEquals(200, client.get(sim.seed().credentialsPath()).statusCode());
    assertEquals(2, sim.requestCount(RequestKind.TOKEN));
  }

  @Test
  void timedOutKeyIsRejectedFromItsTimeoutOnward() {
    SimClient client = start(ApicSimulator.builder()
        .apiKeyPolicy(ApiKeyPolicy.expiresAfter(Duration.ofMinutes(5))));

    clock.advance(Duration.ofMinutes(4).plusSeconds(59));
    assertEquals(200, client.tokenCall().statusCode());
    assertEquals(200, client.tokenCall().statusCode(), "multi-use until it times out");

    clock.advance(Duration.ofSeconds(1));
    assertTrue(assertError(401, client.tokenCall()).contains("expired"));
  }

  @Test
  void addedKeysFollowTheirOwnPolicy() {
    SimClient client = start(ApicSimulator.builder());
    Secret once = sim.addApiKey(ApiKeyPolicy.singleUse());
    String id = sim.clientId();
    String secret = sim.clientSecret().reveal();

    assertNotEquals(sim.apiKey(), once);
    assertEquals(200, client.tokenCall(once.reveal(), id, secret).statusCode());
    assertError(401, client.tokenCall(once.reveal(), id, secret));
    assertEquals(200, client.tokenCall().statusCode(), "the primary key is unaffected");
  }

  @Test
  void invalidatedTokensAreRejected() {
    SimClient client = start(ApicSimulator.builder()).login();

    sim.invalidateTokens();

    assertError(401, client.get(sim.seed().credentialsPath()));
  }

  @Test
  void resetMakesASpentSingleUseKeyUsableAgainAndDropsTokens() {
    SimClient client = start(ApicSimulator.builder().apiKeyPolicy(ApiKeyPolicy.singleUse()))
        .login();
    Secret added = sim.addApiKey(ApiKeyPolicy.multiUse());

    sim.reset();

    assertError(401, client.get(sim.seed().credentialsPath()));
    assertError(401, client.tokenCall(added.reveal(), sim.clientId(), sim.clientSecret().reveal()));
    assertEquals(200, client.tokenCall().statusCode());
  }
}
