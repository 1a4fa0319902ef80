package dev.dynsecret.apic.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;

/** A plain JDK HttpClient speaking to a simulator, as a provider would. */
final class SimClient {
  static final ObjectMapper JSON = new ObjectMapper();

  private final ApicSimulator sim;
  private final HttpClient http;
  private volatile String token;

  SimClient(ApicSimulator sim) {
    this.sim = sim;
    HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
    if (sim.isHttps()) {
      builder.sslContext(sim.sslContext());
    }
    this.http = builder.build();
  }

  HttpClient http() {
    return http;
  }

  /** The token call with the given credentials. */
  HttpResponse<String> tokenCall(String apiKey, String clientId, String clientSecret) {
    ObjectNode body = JSON.createObjectNode()
        .put("grant_type", "api_key")
        .put("api_key", apiKey)
        .put("client_id", clientId)
        .put("client_secret", clientSecret);
    return send(request("/api/token").POST(BodyPublishers.ofString(body.toString())).build());
  }

  /** The token call with the simulator's own credentials. */
  HttpResponse<String> tokenCall() {
    return tokenCall(sim.apiKey().reveal(), sim.clientId(), sim.clientSecret().reveal());
  }

  /** Gets a token and uses it for later calls. */
  SimClient login() {
    HttpResponse<String> response = tokenCall();
    assertEquals(200, response.statusCode(), response.body());
    token = json(response).get("access_token").asText();
    return this;
  }

  String token() {
    return token;
  }

  HttpResponse<String> get(String path) {
    return send(authorized(path).GET().build());
  }

  HttpResponse<String> delete(String path) {
    return send(authorized(path).DELETE().build());
  }

  HttpResponse<String> post(String path, String jsonBody) {
    return send(authorized(path).POST(BodyPublishers.ofString(jsonBody)).build());
  }

  /** Creates a credential named {@code name} on the seeded app; asserts 201. */
  JsonNode create(String name) {
    HttpResponse<String> response = post(sim.seed().credentialsPath(), "{\"name\":\"" + name + "\"}");
    assertEquals(201, response.statusCode(), response.body());
    return json(response);
  }

  HttpRequest.Builder authorized(String path) {
    HttpRequest.Builder builder = request(path);
    if (token != null) {
      builder.header("Authorization", "Bearer " + token);
    }
    return builder;
  }

  HttpRequest.Builder request(String pathOrUrl) {
    URI uri = URI.create(pathOrUrl.startsWith("http") ? pathOrUrl : sim.baseUrl() + pathOrUrl);
    return HttpRequest.newBuilder(uri)
        .timeout(Duration.ofSeconds(20))
        .header("Content-Type", "application/json")
        .header("Accept", "application/json");
  }

  HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static JsonNode json(HttpResponse<String> response) {
    try {
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException("not JSON: " + response.body(), e);
    }
  }

  /** Asserts the platform's error shape with {@code status}, and returns the first message. */
  static String assertError(int status, HttpResponse<String> response) {
    assertEquals(status, response.statusCode(), response.body());
    JsonNode body = json(response);
    assertEquals(status, body.get("status").asInt(), response.body());
    assertEquals(true, body.get("message").isArray(), response.body());
    return body.get("message").get(0).asText();
  }
}
