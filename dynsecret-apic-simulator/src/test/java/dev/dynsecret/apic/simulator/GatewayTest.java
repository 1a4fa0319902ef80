package dev.dynsecret.apic.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The simulated API gateway accepts exactly the application credentials that exist right now. */
class GatewayTest {
  private ApicSimulator sim;
  private SimClient client;

  @BeforeEach
  void start() {
    sim = ApicSimulator.builder().start();
    client = new SimClient(sim).login();
  }

  @AfterEach
  void stop() {
    sim.close();
  }

  private HttpResponse<String> call(String url, String clientId, String clientSecret) {
    HttpRequest.Builder request = client.request(url).GET();
    if (clientId != null) {
      request.header("X-IBM-Client-Id", clientId);
    }
    if (clientSecret != null) {
      request.header("X-IBM-Client-Secret", clientSecret);
    }
    return client.send(request.build());
  }

  @Test
  void acceptsALiveCredentialAndRejectsItOnceDeleted() {
    JsonNode credential = client.create("gateway-1");
    String id = credential.get("client_id").asText();
    String secret = credential.get("client_secret").asText();

    HttpResponse<String> ok = call(sim.gatewayUrl() + "/hello", id, secret);
    assertEquals(200, ok.statusCode(), ok.body());
    assertEquals(id, SimClient.json(ok).get("client_id").asText());

    client.delete(sim.seed().credentialsPath() + "/gateway-1");
    HttpResponse<String> gone = call(sim.gatewayUrl() + "/hello", id, secret);
    assertEquals(401, gone.statusCode());
    assertEquals("Unauthorized", SimClient.json(gone).get("httpMessage").asText());
    assertEquals(1, sim.gatewayRequestCount(true));
    assertEquals(1, sim.gatewayRequestCount(false));
  }

  @Test
  void rejectsAWrongSecretAMissingHeaderAndAnUnknownClientId() {
    JsonNode credential = client.create("gateway-2");
    String id = credential.get("client_id").asText();
    String secret = credential.get("client_secret").asText();

    assertEquals(401, call(sim.gatewayUrl() + "/hello", id, secret + "x").statusCode());
    assertEquals(401, call(sim.gatewayUrl() + "/hello", id, null).statusCode());
    assertEquals(401, call(sim.gatewayUrl() + "/hello", null, secret).statusCode());
    assertEquals(401, call(sim.gatewayUrl() + "/hello", "no-such-client", secret).statusCode());
    assertEquals(401, call(sim.gatewayUrl() + "/hello", id, "").statusCode());
    assertTrue(call(sim.gatewayUrl() + "/any/path", id, secret).statusCode() == 200);
  }

  @Test
  void answers404ForAnotherCatalogAndIgnoresPlatformFaults() {
    JsonNode credential = client.create("gateway-3");
    String id = credential.get("client_id").asText();
    String secret = credential.get("client_secret").asText();
    Seed seed = sim.seed();

    assertEquals(404, call(sim.baseUrl() + "/gateway/" + seed.org().name() + "/other/hello", id,
        secret).statusCode());
    // Ids work as well as names, as in every platform path.
    assertEquals(200, call(sim.baseUrl() + "/gateway/" + seed.org().id() + "/"
        + seed.catalog().id() + "/hello", id, secret).statusCode());

    long platformRequests = sim.requestCount();
    sim.faults().errorRate(1.0, Fault.status(503, Fault.BodyKind.JSON));
    assertEquals(200, call(sim.gatewayUrl() + "/hello", id, secret).statusCode());
    assertEquals(platformRequests, sim.requestCount());
    assertFalse(sim.faults().injected() > 0);
  }
}
