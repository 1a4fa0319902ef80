package dev.dynsecret.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dynsecret.apic.ApiConnectKeys;
import dev.dynsecret.ProviderConfig;
import dev.dynsecret.apic.simulator.ApicSimulator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The APIC simulator, the provider configuration that points at it, and a bare
 * {@code java.net.http} client doing the same create and delete by hand: the reference for what a
 * lease costs without the library.
 */
final class SimulatedApic implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  final ApicSimulator sim;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final AtomicLong names = new AtomicLong();
  private volatile String token;

  SimulatedApic(int threads) {
    this.sim = ApicSimulator.builder().threads(threads).start();
  }

  /** The provider configuration, consumer org included so no lookup is needed. */
  ProviderConfig config() {
    return sim.providerConfig()
        .put(ApiConnectKeys.CONSUMER_ORG, sim.seed().consumerOrg().name())
        .build();
  }

  /**
   * The bare reference for one lease: POST a credential, read its id from the answer, DELETE it.
   * The bearer token is fetched once and cached, as any sensible hand-written client would.
   */
  void bareCreateAndRevoke() {
    String bearer = token();
    String credentials = sim.baseUrl() + sim.seed().credentialsPath();
    String name = "bare-" + names.incrementAndGet();
    byte[] body = ("{\"name\":\"" + name + "\",\"title\":\"bare " + name + "\"}")
        .getBytes(StandardCharsets.UTF_8);
    HttpResponse<byte[]> created = send(HttpRequest.newBuilder(URI.create(credentials))
        .header("Authorization", "Bearer " + bearer)
        .header("Accept", "application/json")
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    if (created.statusCode() / 100 != 2) {
      throw new IllegalStateException("bare POST answered " + created.statusCode());
    }
    String id = readTree(created.body()).path("id").asText();
    HttpResponse<byte[]> deleted = send(HttpRequest.newBuilder(URI.create(credentials + "/" + id))
        .header("Authorization", "Bearer " + bearer)
        .header("Accept", "application/json")
        .DELETE().build());
    if (deleted.statusCode() / 100 != 2) {
      throw new IllegalStateException("bare DELETE answered " + deleted.statusCode());
    }
  }

  private String token() {
    String t = token;
    if (t == null) {
      synchronized (this) {
        if (token == null) {
          String body = "{\"grant_type\":\"api_key\",\"api_key\":\"" + sim.apiKey().reveal()
              + "\",\"client_id\":\"" + sim.clientId() + "\",\"client_secret\":\""
              + sim.clientSecret().reveal() + "\"}";
          HttpResponse<byte[]> answer = send(HttpRequest.newBuilder(URI.create(sim.baseUrl() + "/api/token"))
              .header("Content-Type", "application/json")
              .header("Accept", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(body)).build());
          token = readTree(answer.body()).path("access_token").asText();
        }
        t = token;
      }
    }
    return t;
  }

  private HttpResponse<byte[]> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode readTree(byte[] body) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    sim.close();
  }
}
