package dev.dynsecret.apic.simulator;

import static dev.dynsecret.apic.simulator.SimClient.assertError;
import static dev.dynsecret.apic.simulator.SimClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ListingTest {
  private ApicSimulator sim;
  private SimClient client;
  private Seed seed;

  @AfterEach
  void stop() {
    sim.close();
  }

  private void start(ApicSimulator.Builder builder) {
    sim = builder.start();
    seed = sim.seed();
    client = new SimClient(sim).login();
  }

  private String catalogPath() {
    return "/api/catalogs/" + seed.org().name() + "/" + seed.catalog().name();
  }

  private static List<String> names(JsonNode page) {
    List<String> names = new ArrayList<>();
    page.get("results").forEach(r -> names.add(r.get("name").asText()));
    return names;
  }

  @Test
  void aLimitAboveTheMaximumIsClampedAndOffsetIsHonoured() {
    start(ApicSimulator.builder().maxPageSize(4));
    for (int i = 0; i < 10; i++) {
      client.create("c" + i);
    }

    JsonNode first = json(client.get(seed.credentialsPath() + "?limit=100"));
    JsonNode middle = json(client.get(seed.credentialsPath() + "?limit=3&offset=4"));
    JsonNode last = json(client.get(seed.credentialsPath() + "?limit=4&offset=8"));
    JsonNode beyond = json(client.get(seed.credentialsPath() + "?offset=50"));
    JsonNode noLimit = json(client.get(seed.credentialsPath()));

    assertEquals(10, first.get("total_results").asInt());
    assertEquals(List.of("c0", "c1", "c2", "c3"), names(first));
    assertEquals(List.of("c4", "c5", "c6"), names(middle));
    assertEquals(List.of("c8", "c9"), names(last));
    assertEquals(List.of(), names(beyond));
    assertEquals(10, beyond.get("total_results").asInt());
    assertEquals(4, names(noLimit).size(), "no limit means the maximum page");
  }

  @Test
  void pagingUntilOffsetReachesTotalSeesEveryCredentialOnce() {
    start(ApicSimulator.builder());
    Set<String> created = new HashSet<>();
    for (int i = 0; i < 23; i++) {
      created.add(client.create("lease-" + i).get("name").asText());
    }

    List<String> seen = new ArrayList<>();
    int offset = 0;
    int total;
    do {
      JsonNode page = json(client.get(seed.credentialsPath() + "?limit=50&offset=" + offset));
      total = page.get("total_results").asInt();
      seen.addAll(names(page));
      offset += page.get("results").size();
    } while (offset < total);

    assertEquals(23, seen.size());
    assertEquals(created, new HashSet<>(seen));
    assertEquals(3, sim.requestCount(RequestKind.LIST_CREDENTIALS), "default maximum page is 10");
  }

  @Test
  void badPagingParametersAre400() {
    start(ApicSimulator.builder());

    assertError(400, client.get(seed.credentialsPath() + "?limit=0"));
    assertError(400, client.get(seed.credentialsPath() + "?limit=ten"));
    assertError(400, client.get(seed.credentialsPath() + "?offset=-1"));
  }

  @Test
  void listAppsGivesEachAppAConsumerOrgUrlThatLeadsToItsConsumerOrg() {
    start(ApicSimulator.builder());
    EntityRef partners = sim.addConsumerOrg("partners");
    EntityRef partnerApp = sim.addApp("partners", "partner-app");

    JsonNode page = json(client.get(catalogPath() + "/apps?limit=10&offset=0"));

    assertEquals(2, page.get("total_results").asInt());
    assertEquals(List.of(seed.app().name(), partnerApp.name()), names(page));
    JsonNode app = page.get("results").get(1);
    assertEquals(partnerApp.id(), app.get("id").asText());
    String consumerOrgUrl = app.get("consumer_org_url").asText();
    assertEquals(sim.baseUrl() + "/api/consumer-orgs/" + seed.org().id() + "/"
        + seed.catalog().id() + "/" + partners.id(), consumerOrgUrl);
    assertEquals("partners", json(client.get(consumerOrgUrl)).get("name").asText());
    assertEquals(1, sim.requestCount(RequestKind.LIST_APPS));
  }

  @Test
  void listAppsPagesAndHonoursExpandAndFields() {
    start(ApicSimulator.builder().maxPageSize(2));
    sim.addApp(seed.consumerOrg().id(), "app-2");
    sim.addApp(seed.consumerOrg().id(), "app-3");

    JsonNode second = json(client.get(catalogPath() + "/apps?offset=2&expand=consumer_org"));
    JsonNode narrow = json(client.get(catalogPath() + "/apps?fields=id,name"));

    assertEquals(3, second.get("total_results").asInt());
    assertEquals(List.of("app-3"), names(second));
    assertEquals(seed.consumerOrg().name(),
        second.get("results").get(0).get("consumer_org").get("name").asText());
    JsonNode projected = narrow.get("results").get(0);
    assertEquals(Set.of("id", "name"), fieldNames(projected));
  }

  @Test
  void catalogWideCredentialsListCoversEveryAppAndOmitsSecrets() {
    start(ApicSimulator.builder());
    sim.addApp(seed.consumerOrg().name(), "second-app");
    client.create("on-seeded-app");
    client.post("/api/apps/" + seed.org().name() + "/" + seed.catalog().name() + "/"
        + seed.consumerOrg().name() + "/second-app/credentials", "{\"name\":\"on-second-app\"}");

    JsonNode page = json(client.get(catalogPath() + "/credentials"));

    assertEquals(2, page.get("total_results").asInt());
    assertEquals(List.of("on-seeded-app", "on-second-app"), names(page));
    page.get("results").forEach(c -> assertFalse(c.has("client_secret")));
    assertError(405, client.post(catalogPath() + "/credentials", "{\"name\":\"x\"}"));
  }

  @Test
  void orgCatalogConsumerOrgAndAppCanBeReadByNameOrId() {
    start(ApicSimulator.builder());

    JsonNode org = json(client.get("/api/orgs/" + seed.org().name()));
    JsonNode catalog = json(client.get("/api/catalogs/" + seed.org().id() + "/"
        + seed.catalog().name()));
    JsonNode consumerOrg = json(client.get("/api/consumer-orgs/" + seed.org().name() + "/"
        + seed.catalog().name() + "/" + seed.consumerOrg().id()));
    JsonNode app = json(client.get("/api/apps/" + seed.org().name() + "/" + seed.catalog().name()
        + "/" + seed.consumerOrg().name() + "/" + seed.app().name()));
    JsonNode consumerOrgs = json(client.get(catalogPath() + "/consumer-orgs"));

    assertEquals(seed.org().id(), org.get("id").asText());
    assertEquals("org", org.get("type").asText());
    assertEquals(seed.catalog().id(), catalog.get("id").asText());
    assertEquals(seed.consumerOrg().name(), consumerOrg.get("name").asText());
    assertEquals(seed.app().id(), app.get("id").asText());
    assertEquals("app", app.get("type").asText());
    assertEquals(List.of(seed.consumerOrg().name()), names(consumerOrgs));
    assertError(404, client.get("/api/orgs/unknown"));
    assertEquals(6, sim.requestCount(RequestKind.OTHER), "reads count as OTHER");
  }

  @Test
  void anAppListsTheUrlsOfItsCredentials() {
    start(ApicSimulator.builder());
    JsonNode credential = client.create("lease-1");

    JsonNode app = json(client.get("/api/apps/" + seed.org().name() + "/" + seed.catalog().name()
        + "/" + seed.consumerOrg().name() + "/" + seed.app().name()));

    assertEquals(credential.get("url"), app.get("app_credential_urls").get(0));
    assertTrue(app.get("consumer_org_url").asText().endsWith("/" + seed.consumerOrg().id()));
  }

  private static Set<String> fieldNames(JsonNode node) {
    Set<String> names = new HashSet<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
