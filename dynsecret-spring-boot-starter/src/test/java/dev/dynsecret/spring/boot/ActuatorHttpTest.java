package dev.dynsecret.spring.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dynsecret.LeaseManager;
import dev.dynsecret.testkit.RecordingProvider;
import dev.dynsecret.buildsupport.SecretsUsed;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Over real HTTP: provider secrets given as properties never show in {@code /actuator/env} or
 * {@code /actuator/configprops}, even with values shown; the {@code dynsecret} endpoint reads,
 * and writes only when enabled.
 */
class ActuatorHttpTest {
  static final String API_KEY = SecretsUsed.declare("ak-SECRET-spring-http-2718");
  static final String CLIENT_SECRET = SecretsUsed.declare("cs-SECRET-spring-http-1618");
  static final String PASSWORD = SecretsUsed.declare("pw-SECRET-spring-http-1414");

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class App {
    @Bean
    RecordingProvider recordingProvider() {
      return new RecordingProvider();
    }
  }

  static HttpResponse<String> send(int port, String method, String path, String body)
      throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .header("Content-Type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Nested
  @SpringBootTest(classes = App.class, webEnvironment = WebEnvironment.RANDOM_PORT, properties = {
      "management.endpoints.web.exposure.include=env,configprops,dynsecret,health",
      "management.endpoint.env.show-values=always",
      "management.endpoint.configprops.show-values=always",
      "dynsecret.actuator.write-enabled=true",
      "dynsecret.secrets.orders-api.provider=recording",
      "dynsecret.secrets.orders-api.default-ttl=10m",
      "dynsecret.secrets.orders-api.max-ttl=1h",
      "dynsecret.secrets.orders-api.config.url=http://127.0.0.1:9/apic"})
  class WithValuesShownAndWritesEnabled {
    // Not in the annotation: a context that fails to load prints the annotation's properties.
    @DynamicPropertySource
    static void providerSecrets(DynamicPropertyRegistry registry) {
      registry.add("dynsecret.secrets.orders-api.config.apiKey", () -> API_KEY);
      registry.add("dynsecret.secrets.orders-api.config.clientSecret", () -> CLIENT_SECRET);
      registry.add("dynsecret.secrets.orders-api.config[db.password]", () -> PASSWORD);
    }

    @LocalServerPort
    int port;

    @Autowired
    LeaseManager manager;

    @Test
    void envAndConfigpropsMaskEveryProviderConfigurationValue() throws Exception {
      for (String path : new String[] {"/actuator/env", "/actuator/configprops"}) {
        HttpResponse<String> response = send(port, "GET", path, null);
        assertEquals(200, response.statusCode(), path);
        String body = response.body();
        for (String secret : new String[] {API_KEY, CLIENT_SECRET, PASSWORD}) {
          assertFalse(body.contains(secret), path + " shows a provider secret");
        }
        assertFalse(body.contains("127.0.0.1:9/apic"), path + " shows a provider configuration value");
        // Values are shown (show-values=always) where they are not provider configuration ...
        assertTrue(body.contains("\"10m\""), path + " does not show values at all: " + body);
        // ... and the provider configuration keys are there, masked.
        assertTrue(body.contains("******"), path);
      }
      JsonNode env = JSON.readTree(send(port, "GET",
          "/actuator/env/dynsecret.secrets.orders-api.config.apiKey", null).body());
      assertEquals("******", env.at("/property/value").asText());
      JsonNode props = JSON.readTree(send(port, "GET", "/actuator/configprops/dynsecret", null).body());
      JsonNode secret = props.at("/contexts/application/beans")
          .path("dynsecret-" + DynsecretProperties.class.getName()).at("/properties/secrets/orders-api");
      assertEquals("******", secret.at("/config/apiKey").asText(), props.toString());
      assertEquals("******", secret.at("/config/clientSecret").asText());
      assertEquals("******", secret.at("/config/db.password").asText());
      assertEquals("PT10M", secret.path("defaultTtl").asText(), "values are shown");
    }

    @Test
    void theEndpointReadsRenewsAndRevokesLeases() throws Exception {
      String id = manager.create("orders-api").lease().id();

      JsonNode summary = JSON.readTree(send(port, "GET", "/actuator/dynsecret", null).body());
      assertEquals(manager.nodeId(), summary.path("nodeId").asText());
      assertEquals(1, summary.at("/secrets/orders-api/leases/active").asInt());
      assertFalse(summary.toString().contains("127.0.0.1:9"), "no provider configuration");

      JsonNode lease = JSON.readTree(send(port, "GET", "/actuator/dynsecret/orders-api/" + id, null).body());
      assertEquals("active", lease.path("state").asText());
      assertEquals(404, send(port, "GET", "/actuator/dynsecret/orders-api/nope", null).statusCode());

      HttpResponse<String> renewed = send(port, "POST", "/actuator/dynsecret/orders-api/" + id, "{\"ttl\":\"20m\"}");
      assertEquals(200, renewed.statusCode(), renewed.body());
      assertFalse(JSON.readTree(renewed.body()).path("renewedAt").isNull());
      assertEquals(400, send(port, "POST", "/actuator/dynsecret/orders-api/" + id, "{\"ttl\":\"5h\"}").statusCode());

      HttpResponse<String> revoked = send(port, "DELETE", "/actuator/dynsecret/orders-api/" + id, null);
      assertEquals(200, revoked.statusCode(), revoked.body());
      assertEquals("revoked", JSON.readTree(revoked.body()).path("state").asText());
      assertEquals("manual", JSON.readTree(revoked.body()).path("revokeReason").asText());
    }
  }

  @Nested
  @SpringBootTest(classes = App.class, webEnvironment = WebEnvironment.RANDOM_PORT, properties = {
      "management.endpoints.web.exposure.include=dynsecret",
      "dynsecret.secrets.orders-api.provider=recording",
      "dynsecret.secrets.orders-api.default-ttl=10m"})
  class ReadOnlyByDefault {
    @LocalServerPort
    int port;

    @Autowired
    LeaseManager manager;

    @Test
    void renewAndRevokeAreNotOffered() throws Exception {
      String id = manager.create("orders-api").lease().id();
      assertEquals(200, send(port, "GET", "/actuator/dynsecret/orders-api/" + id, null).statusCode());

      int renew = send(port, "POST", "/actuator/dynsecret/orders-api/" + id, "{}").statusCode();
      int revoke = send(port, "DELETE", "/actuator/dynsecret/orders-api/" + id, null).statusCode();
      assertEquals(405, renew);
      assertEquals(405, revoke);
      assertEquals("active", manager.get(id).state().name().toLowerCase());
    }
  }
}
