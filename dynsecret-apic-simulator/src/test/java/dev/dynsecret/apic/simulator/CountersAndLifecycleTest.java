package dev.dynsecret.apic.simulator;

import static dev.dynsecret.apic.simulator.SimClient.assertError;
import static dev.dynsecret.apic.simulator.SimClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class CountersAndLifecycleTest {
  private ApicSimulator sim;

  @AfterEach
  void stop() {
    if (sim != null) {
      sim.close();
    }
  }

  @Test
  void theDefaultSimulatorIsReadyWithNoSetUp() {
    sim = ApicSimulator.builder().start();
    SimClient client = new SimClient(sim).login();

    assertTrue(sim.baseUrl().matches("http://127\\.0\\.0\\.1:\\d+"), sim.baseUrl());
    assertFalse(sim.isHttps());
    assertEquals(new Seed(sim.seed().org(), sim.seed().catalog(), sim.seed().consumerOrg(),
        sim.seed().app()), sim.seed());
    assertEquals("/api/apps/dynsecret-org/sandbox/dynsecret-consumers/dynsecret-app/credentials",
        sim.seed().credentialsPath());
    assertEquals(201, client.post(sim.seed().credentialsPath(), "{\"name\":\"first\"}").statusCode());
  }

  @Test
  void seedNamesAreConfigurable() {
    sim = ApicSimulator.builder().seed("acme", "prod", "partners", "billing").start();
    SimClient client = new SimClient(sim).login();

    assertEquals("billing", sim.seed().app().name());
    assertEquals(201, client.post("/api/apps/acme/prod/partners/billing/credentials", "{}")
        .statusCode());
  }

  @Test
  void seedNamesNeedingEscapesWorkInPaths() {
    sim = ApicSimulator.builder().seed("Acme Corp", "prod+test", "partners", "bill & pay").start();
    SimClient client = new SimClient(sim).login();

    assertEquals("/api/apps/Acme%20Corp/prod%2Btest/partners/bill%20%26%20pay/credentials",
        sim.seed().credentialsPath());
    assertEquals(201, client.post(sim.seed().credentialsPath(), "{}").statusCode());
    assertEquals(1, sim.liveCredentialNames("bill & pay").size());
  }

  @Test
  void requestsAreCountedByKindIncludingRejectedAndFaultedOnes() {
    sim = ApicSimulator.builder().start();
    SimClient client = new SimClient(sim);
    String path = sim.seed().credentialsPath();
    String catalog = "/api/catalogs/" + sim.seed().org().name() + "/" + sim.seed().catalog().name();

    assertError(401, client.get(path)); // before login: still a LIST_CREDENTIALS request
    client.login();
    client.create("a");
    sim.faults().failNext(1, Fault.status(503, Fault.BodyKind.EMPTY), RequestKind.CREATE_CREDENTIAL);
    client.post(path, "{\"name\":\"b\"}");
    client.get(path + "/a");
    client.get(catalog + "/apps");
    client.get(catalog + "/credentials");
    client.get("/api/orgs/" + sim.seed().org().name());
    client.delete(path + "/a");
    client.delete(path + "/a");

    assertEquals(Map.of(
        RequestKind.TOKEN, 1L,
        RequestKind.CREATE_CREDENTIAL, 2L,
        RequestKind.DELETE_CREDENTIAL, 2L,
        RequestKind.GET_CREDENTIAL, 1L,
        RequestKind.LIST_CREDENTIALS, 2L,
        RequestKind.LIST_APPS, 1L,
        RequestKind.OTHER, 1L), sim.requestCounts());
    assertEquals(10, sim.requestCount());
    assertEquals(1, sim.requestCount(RequestKind.TOKEN));
  }

  @Test
  void liveCredentialsAreListedPerAppWithTheirNames() {
    sim = ApicSimulator.builder().start();
    SimClient client = new SimClient(sim).login();
    Seed seed = sim.seed();
    EntityRef other = sim.addApp(seed.consumerOrg().name(), "other");
    client.create("a");
    client.create("b");
    client.post("/api/apps/" + seed.org().id() + "/" + seed.catalog().id() + "/"
        + seed.consumerOrg().id() + "/" + other.id() + "/credentials", "{\"name\":\"c\"}");
    client.delete(seed.credentialsPath() + "/a");

    assertEquals(2, sim.liveCredentialCount());
    assertEquals(List.of("b"), sim.liveCredentialNames(seed.app().name()));
    assertEquals(List.of("b"), sim.liveCredentialNames(seed.app().id()));
    assertEquals(List.of("c"), sim.liveCredentialNames("other"));
    assertEquals(List.of(), sim.liveCredentialNames("no-such-app"));
    LiveCredential c = sim.liveCredentials().get(1);
    assertEquals(List.of(seed.org().name(), seed.catalog().name(), seed.consumerOrg().name(),
        "other", "c"), List.of(c.org(), c.catalog(), c.consumerOrg(), c.app(), c.name()));
  }

  @Test
  void removingAnAppDeletesItsCredentialsAndItsPathAnswers404() {
    sim = ApicSimulator.builder().start();
    SimClient client = new SimClient(sim).login();
    Seed seed = sim.seed();
    JsonNode created = client.create("a");

    assertTrue(sim.removeApp(seed.consumerOrg().name(), seed.app().id()));

    assertEquals(0, sim.liveCredentialCount());
    assertError(404, client.get(seed.credentialsPath()));
    assertFalse(sim.isValidAppCredential(created.get("client_id").asText(),
        dev.dynsecret.Secret.of(created.get("client_secret").asText())));
    assertFalse(sim.removeApp(seed.consumerOrg().name(), seed.app().id()));
  }

  @Test
  void resetRestoresTheSeedWithItsIdsAndClearsEverythingElse() {
    sim = ApicSimulator.builder().start();
    SimClient client = new SimClient(sim).login();
    Seed seed = sim.seed();
    sim.addConsumerOrg("extra");
    sim.addApp("extra", "extra-app");
    client.create("a");

    sim.reset();

    assertEquals(seed, sim.seed());
    assertEquals(0, sim.liveCredentialCount());
    assertEquals(0, sim.requestCount());
    client.login();
    JsonNode apps = json(client.get("/api/catalogs/" + seed.org().id() + "/" + seed.catalog().id()
        + "/apps"));
    assertEquals(1, apps.get("total_results").asInt());
    assertEquals(seed.app().id(), apps.get("results").get(0).get("id").asText());
    assertEquals(201, client.post(seed.credentialsPath(), "{\"name\":\"a\"}").statusCode());
  }

  @Test
  void addingEntitiesChecksTheirNames() {
    sim = ApicSimulator.builder().start();

    assertMessageStarts("name", () -> sim.addConsumerOrg(sim.seed().consumerOrg().name()));
    assertMessageStarts("name", () -> sim.addApp(sim.seed().consumerOrg().name(), "a/b"));
    assertMessageStarts("consumerOrg", () -> sim.addApp("nobody", "app"));
  }

  @Test
  void awaitRequestCountReturnsOnceTheCountIsReachedAndFalseOnTimeout() throws Exception {
    sim = ApicSimulator.builder().start();
    new SimClient(sim).login();

    assertTrue(sim.awaitRequestCount(RequestKind.TOKEN, 1, Duration.ofSeconds(5)));
    assertFalse(sim.awaitRequestCount(RequestKind.TOKEN, 2, Duration.ofMillis(50)));
  }

  @Test
  void closeStopsServingAndCanBeRepeated() {
    sim = ApicSimulator.builder().start();
    SimClient client = new SimClient(sim);

    sim.close();
    sim.close();

    UncheckedIOException e = assertThrows(UncheckedIOException.class, client::tokenCall);
    assertTrue(e.getCause() instanceof ConnectException, e.getCause().toString());
  }

  @Test
  void twoSimulatorsAreIndependent() {
    sim = ApicSimulator.builder().start();
    try (ApicSimulator second = ApicSimulator.builder().start()) {
      assertNotEquals(sim.baseUrl(), second.baseUrl());
      assertNotEquals(sim.apiKey(), second.apiKey());
      new SimClient(second).login().create("only-here");

      assertEquals(0, sim.liveCredentialCount());
      assertEquals(1, second.liveCredentialCount());
      assertEquals(401, new SimClient(sim).tokenCall(second.apiKey().reveal(), second.clientId(),
          second.clientSecret().reveal()).statusCode());
    }
  }

  @Test
  void builderRejectsBadSettingsNamingTheField() {
    ApicSimulator.Builder b = ApicSimulator.builder();

    assertMessageStarts("createStatus", () -> b.createStatus(202));
    assertMessageStarts("deleteStatus", () -> b.deleteStatus(202));
    assertMessageStarts("duplicateNameStatus", () -> b.duplicateNameStatus(422));
    assertMessageStarts("maxPageSize", () -> b.maxPageSize(0));
    assertMessageStarts("tokenTtl", () -> b.tokenTtl(Duration.ofMillis(10)));
    assertMessageStarts("maxStall", () -> b.maxStall(Duration.ZERO));
    assertMessageStarts("port", () -> b.port(70_000));
    assertMessageStarts("threads", () -> b.threads(0));
    assertMessageStarts("app", () -> b.seed("o", "c", "co", " "));
    assertMessageStarts("timeout", () -> ApiKeyPolicy.expiresAfter(Duration.ZERO));
  }

  private static void assertMessageStarts(String field, Executable call) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    assertTrue(e.getMessage().startsWith(field + ":"), e.getMessage());
  }
}
