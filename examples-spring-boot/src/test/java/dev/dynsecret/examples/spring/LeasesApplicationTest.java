package dev.dynsecret.examples.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dynsecret.apic.simulator.ApicSimulator;
import dev.dynsecret.apic.simulator.LiveCredential;
import dev.dynsecret.apic.simulator.RequestKind;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.annotation.DirtiesContext;

/**
 * The whole application on a random port, against the APIC simulator it starts itself: a lease
 * created through the application is visible on the actuator endpoint, moves the metrics, shows
 * in health, and is gone from APIC once the application has shut down.
 */
// Declared before @SpringBootTest, so that its afterAll runs after Spring's, which closes the
// context (@DirtiesContext): it checks what the application's shutdown left on APIC.
@ExtendWith(LeasesApplicationTest.NothingLeftAfterShutdown.class)
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@DirtiesContext
class LeasesApplicationTest {
  private static ApicSimulator usedSimulator;
  private static ConfigurableApplicationContext usedContext;

  static final class NothingLeftAfterShutdown implements AfterAllCallback {
    @Override
    public void afterAll(ExtensionContext extension) {
      assertFalse(usedContext.isActive(), "the application has not shut down");
      assertEquals(0, usedSimulator.liveCredentialCount(),
          "credentials left on APIC after the application shut down");
    }
  }

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

  @LocalServerPort
  int port;

  @Autowired
  ApicSimulator simulator;

  @Autowired
  ConfigurableApplicationContext context;

  private HttpResponse<String> send(String method, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode get(String path) throws Exception {
    HttpResponse<String> response = send("GET", path);
    assertEquals(200, response.statusCode(), path + ": " + response.body());
    return JSON.readTree(response.body());
  }

  private double metric(String path) throws Exception {
    return get("/actuator/metrics/" + path).at("/measurements/0/value").asDouble();
  }

  @Test
  void aLeaseThroughTheApplicationFromCreateToShutdown() throws Exception {
    assertEquals(0, metric("dynsecret.leases.created?tag=secret:orders-api"));

    HttpResponse<String> created = send("POST", "/leases");
    assertEquals(201, created.statusCode(), created.body());
    JsonNode issued = JSON.readTree(created.body());
    String leaseId = issued.path("leaseId").asText();
    LiveCredential credential = simulator.liveCredentials().get(0);
    assertEquals(1, simulator.liveCredentialCount());
    assertEquals(credential.clientId(), issued.path("clientId").asText());

    // The actuator endpoint shows the lease, and no secret of any kind.
    JsonNode lease = get("/actuator/dynsecret/orders-api/" + leaseId);
    assertEquals("active", lease.path("state").asText());
    assertEquals(issued.path("expiresAt").asText(), lease.path("expiresAt").asText());
    assertFalse(lease.path("hardLimitAt").isNull());
    JsonNode summary = get("/actuator/dynsecret");
    assertEquals(1, summary.at("/secrets/orders-api/leases/active").asInt());
    assertEquals(5, summary.at("/secrets/orders-api/leaseLimit").asInt());
    String everything = summary + lease.toString() + get("/actuator/dynsecret/orders-api");
    assertFalse(everything.contains(simulator.apiKey().reveal()), "the API key on the endpoint");
    assertFalse(everything.contains(simulator.clientSecret().reveal()), "the toolkit secret on the endpoint");
    assertTrue(issued.path("clientSecret").asText().endsWith("…"), "the application masks it");

    // The metrics moved.
    assertEquals(1, metric("dynsecret.leases.created?tag=secret:orders-api"));
    assertEquals(1, metric("dynsecret.leases.current?tag=secret:orders-api&tag=state:active"));
    assertEquals(1, metric("dynsecret.provider.calls?tag=operation:create&tag=outcome:success"));

    // Health includes dynsecret, with the counts.
    JsonNode health = get("/actuator/health");
    assertEquals("UP", health.path("status").asText());
    assertEquals("UP", health.at("/components/dynsecret/status").asText());
    assertEquals(1, health.at("/components/dynsecret/details/secrets/orders-api/active").asInt());

    // A second lease, revoked through the application.
    String second = JSON.readTree(send("POST", "/leases").body()).path("leaseId").asText();
    assertEquals(2, simulator.liveCredentialCount());
    assertEquals("revoked", send("DELETE", "/leases/" + second).body());
    assertEquals(1, metric("dynsecret.leases.revoked?tag=secret:orders-api&tag=reason:manual"));
    assertEquals(1, simulator.liveCredentialCount());

    assertEquals(1, simulator.requestCount(RequestKind.TOKEN), "one token for the whole run");

    // Shutting down revokes what is left (the memory store would forget it): see
    // NothingLeftAfterShutdown, which runs once Spring has closed the application.
    usedSimulator = simulator;
    usedContext = context;
  }
}
