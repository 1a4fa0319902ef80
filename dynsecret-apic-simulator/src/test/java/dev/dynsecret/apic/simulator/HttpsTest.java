package dev.dynsecret.apic.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HttpsTest {
  private ApicSimulator sim;

  @AfterEach
  void stop() {
    sim.close();
  }

  @Test
  void servesHttpsToClientsTrustingItsContext() {
    sim = ApicSimulator.builder().https().start();
    SimClient client = new SimClient(sim).login(); // uses sim.sslContext()

    assertTrue(sim.baseUrl().startsWith("https://127.0.0.1:"), sim.baseUrl());
    assertTrue(sim.isHttps());
    assertEquals(201, client.post(sim.seed().credentialsPath(), "{\"name\":\"tls\"}").statusCode());
  }

  @Test
  void clientsWithDefaultTrustRejectTheSelfSignedCertificate() {
    sim = ApicSimulator.builder().https().start();
    HttpClient defaultTrust = HttpClient.newHttpClient();
    HttpRequest request = HttpRequest.newBuilder(URI.create(sim.baseUrl() + "/api/token"))
        .POST(HttpRequest.BodyPublishers.ofString("{}")).build();

    IOException e = assertThrows(IOException.class,
        () -> defaultTrust.send(request, BodyHandlers.ofString()));

    assertTrue(e instanceof SSLHandshakeException || e.getCause() instanceof SSLHandshakeException,
        e.toString());
  }

  @Test
  void exposesTheCertificateForLocalhostAndLoopback() throws Exception {
    sim = ApicSimulator.builder().https().start();

    Collection<List<?>> names = sim.certificate().getSubjectAlternativeNames();

    assertTrue(sim.certificate().getSubjectX500Principal().getName().contains("CN=localhost"));
    assertTrue(names.contains(List.of(2, "localhost")), names.toString());
    assertTrue(names.contains(List.of(7, "127.0.0.1")), names.toString());
  }

  @Test
  void plainHttpHasNoTlsMaterial() {
    sim = ApicSimulator.builder().start();

    IllegalStateException e = assertThrows(IllegalStateException.class, sim::sslContext);

    assertTrue(e.getMessage().startsWith("https:"), e.getMessage());
  }
}
