package dev.dynsecret.apic.simulator;

import dev.dynsecret.testkit.TestClock;
import static dev.dynsecret.apic.simulator.SimClient.assertError;
import static dev.dynsecret.apic.simulator.SimClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dynsecret.Secret;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CredentialsTest {
  private final TestClock clock = TestClock.standard();
  private ApicSimulator sim;
  private SimClient client;
  private Seed seed;

  @AfterEach
  void stop() {
    sim.close();
  }

  private void start(ApicSimulator.Builder builder) {
    sim = builder.clock(clock).start();
    seed = sim.seed();
    client = new SimClient(sim).login();
  }

  private String path(String org, String catalog, String consumerOrg, String app) {
    return "/api/apps/" + org + "/" + catalog + "/" + consumerOrg + "/" + app + "/credentials";
  }

  @Test
  void createAnswers201WithTheWholeCredentialIncludingItsSecret() {
    start(ApicSimulator.builder());

    HttpResponse<String> response = client.post(seed.credentialsPath(),
        "{\"name\":\"lease-1\",\"title\":\"Lease 1\",\"summary\":\"made by a test\"}");

    assertEquals(201, response.statusCode());
    JsonNode c = json(response);
    assertEquals("credential", c.get("type").asText());
    assertEquals("2.0.0", c.get("api_version").asText());
    UUID.fromString(c.get("id").asText());
    assertEquals("lease-1", c.get("name").asText());
    assertEquals("Lease 1", c.get("title").asText());
    assertEquals("made by a test", c.get("summary").asText());
    assertEquals("2030-01-01T00:00:00.000Z", c.get("created_at").asText());
    String appUrl = sim.baseUrl() + "/api/apps/" + seed.org().id() + "/" + seed.catalog().id()
        + "/" + seed.consumerOrg().id() + "/" + seed.app().id();
    assertEquals(appUrl, c.get("app_url").asText());
    assertEquals(appUrl + "/credentials/" + c.get("id").asText(), c.get("url").asText());
    assertEquals(sim.baseUrl() + "/api/consumer-orgs/" + seed.org().id() + "/"
        + seed.catalog().id() + "/" + seed.consumerOrg().id(), c.get("consumer_org_url").asText());
    assertTrue(sim.isValidAppCredential(
        c.get("client_id").asText(), Secret.of(c.get("client_secret").asText())));
    assertFalse(sim.isValidAppCredential(c.get("client_id").asText(), Secret.of("guess")));
  }

  @Test
  void createCanAnswer200Instead() {
    start(ApicSimulator.builder().createStatus(200));

    assertEquals(200, client.post(seed.credentialsPath(), "{\"name\":\"a\"}").statusCode());
  }

  @Test
  void getAndListNeverShowTheClientSecret() {
    start(ApicSimulator.builder());
    JsonNode created = client.create("lease-1");

    JsonNode got = json(client.get(seed.credentialsPath() + "/lease-1"));
    JsonNode listed = json(client.get(seed.credentialsPath())).get("results").get(0);

    for (JsonNode c : List.of(got, listed)) {
      assertEquals(created.get("id"), c.get("id"));
      assertEquals(created.get("client_id"), c.get("client_id"));
      assertFalse(c.has("client_secret"), c.toString());
    }
  }

  @Test
  void everyPathSegmentAcceptsANameOrAnId() {
    start(ApicSimulator.builder());
    String byIds = path(seed.org().id(), seed.catalog().id(), seed.consumerOrg().id(),
        seed.app().id());
    String mixed = path(seed.org().name(), seed.catalog().id(), seed.consumerOrg().name(),
        seed.app().id());

    JsonNode created = json(client.post(byIds, "{\"name\":\"by-ids\"}"));
    String id = created.get("id").asText();

    assertEquals(id, json(client.get(seed.credentialsPath() + "/by-ids")).get("id").asText());
    assertEquals(id, json(client.get(seed.credentialsPath() + "/" + id)).get("id").asText());
    assertEquals(id, json(client.get(mixed + "/by-ids")).get("id").asText());
    assertEquals(1, json(client.get(mixed)).get("total_results").asInt());
    assertEquals(200, client.delete(byIds + "/" + id).statusCode());
    assertEquals(0, sim.liveCredentialCount());
  }

  @Test
  void followingTheCredentialUrlReachesIt() {
    start(ApicSimulator.builder());
    JsonNode created = client.create("lease-1");

    JsonNode got = json(client.get(created.get("url").asText()));

    assertEquals("lease-1", got.get("name").asText());
  }

  @Test
  void aTakenNameAnswers409ByDefault() {
    start(ApicSimulator.builder());
    client.create("lease-1");

    String message = assertError(409, client.post(seed.credentialsPath(), "{\"name\":\"lease-1\"}"));

    assertTrue(message.contains("already exists"), message);
    assertEquals(1, sim.liveCredentialCount());
  }

  @Test
  void aTakenNameCanAnswer400WithAlreadyExists() {
    start(ApicSimulator.builder().duplicateNameStatus(400));
    client.create("lease-1");

    String message = assertError(400, client.post(seed.credentialsPath(), "{\"name\":\"lease-1\"}"));

    assertTrue(message.contains("already exists"), message);
  }

  @Test
  void theSameNameMayExistOnAnotherApp() {
    start(ApicSimulator.builder());
    EntityRef other = sim.addApp(seed.consumerOrg().name(), "other-app");
    client.create("lease-1");

    HttpResponse<String> response = client.post(
        path(seed.org().name(), seed.catalog().name(), seed.consumerOrg().name(), other.name()),
        "{\"name\":\"lease-1\"}");

    assertEquals(201, response.statusCode());
    assertEquals(List.of("lease-1"), sim.liveCredentialNames(other.id()));
  }

  @Test
  void deleteAnswers200WithTheCredentialThen404() {
    start(ApicSimulator.builder());
    client.create("lease-1");

    HttpResponse<String> first = client.delete(seed.credentialsPath() + "/lease-1");

    assertEquals(200, first.statusCode());
    assertEquals("lease-1", json(first).get("name").asText());
    assertFalse(json(first).has("client_secret"));
    assertError(404, client.delete(seed.credentialsPath() + "/lease-1"));
    assertError(404, client.get(seed.credentialsPath() + "/lease-1"));
  }

  @Test
  void deleteCanAnswer204WithNoBody() {
    start(ApicSimulator.builder().deleteStatus(204));
    JsonNode created = client.create("lease-1");

    HttpResponse<String> response = client.delete(seed.credentialsPath() + "/"
        + created.get("id").asText());

    assertEquals(204, response.statusCode());
    assertEquals("", response.body());
    assertEquals(0, sim.liveCredentialCount());
  }

  @Test
  void aMissingNameIsDerivedFromTheTitle() {
    start(ApicSimulator.builder());

    JsonNode c = json(client.post(seed.credentialsPath(), "{\"title\":\"My Lease #7\"}"));

    assertEquals("my-lease-7", c.get("name").asText());
    assertEquals("My Lease #7", c.get("title").asText());
  }

  @Test
  void anEmptyBodyStillCreatesACredential() {
    start(ApicSimulator.builder());

    HttpResponse<String> response = client.post(seed.credentialsPath(), "");

    assertEquals(201, response.statusCode());
    assertTrue(json(response).get("name").asText().startsWith("credential-"));
  }

  @Test
  void chosenClientIdAndSecretAreKeptAndAChosenClientIdMustBeUnique() {
    start(ApicSimulator.builder());

    JsonNode c = json(client.post(seed.credentialsPath(),
        "{\"name\":\"a\",\"client_id\":\"my-id\",\"client_secret\":\"my-secret\"}"));

    assertEquals("my-id", c.get("client_id").asText());
    assertEquals("my-secret", c.get("client_secret").asText());
    assertTrue(sim.isValidAppCredential("my-id", Secret.of("my-secret")));
    assertError(409, client.post(seed.credentialsPath(), "{\"name\":\"b\",\"client_id\":\"my-id\"}"));
  }

  @Test
  void generatedClientIdsAndSecretsDifferPerCredential() {
    start(ApicSimulator.builder());

    JsonNode a = client.create("a");
    JsonNode b = client.create("b");

    assertNotEquals(a.get("client_id"), b.get("client_id"));
    assertNotEquals(a.get("client_secret"), b.get("client_secret"));
  }

  @Test
  void badBodiesAreRejectedWith400AndCreateNothing() {
    start(ApicSimulator.builder());

    assertError(400, client.post(seed.credentialsPath(), "{not json"));
    assertError(400, client.post(seed.credentialsPath(), "[1,2]"));
    assertError(400, client.post(seed.credentialsPath(), "{\"name\":42}"));
    assertError(400, client.post(seed.credentialsPath(), "{\"name\":\"  \"}"));
    assertEquals(0, sim.liveCredentialCount());
  }

  @Test
  void unknownEntitiesAnswer404NamingTheSegment() {
    start(ApicSimulator.builder());

    String message = assertError(404, client.post(path(seed.org().name(), seed.catalog().name(),
        seed.consumerOrg().name(), "no-such-app"), "{}"));

    assertTrue(message.contains("no-such-app"), message);
    assertError(404, client.get(path("no-such-org", "x", "y", "z")));
    assertError(404, client.get("/api/nothing/here"));
  }

  @Test
  void wrongMethodAnswers405() {
    start(ApicSimulator.builder());

    assertError(405, client.send(client.authorized(seed.credentialsPath())
        .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{}")).build()));
  }

  @Test
  void timestampsComeFromTheClock() {
    start(ApicSimulator.builder());
    clock.advance(java.time.Duration.ofMinutes(90));

    JsonNode c = client.create("later");

    assertEquals("2030-01-01T01:30:00.000Z", c.get("created_at").asText());
  }
}
