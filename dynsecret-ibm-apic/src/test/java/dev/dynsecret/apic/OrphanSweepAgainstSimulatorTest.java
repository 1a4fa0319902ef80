package dev.dynsecret.apic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dynsecret.DynamicSecret;
import dev.dynsecret.Lease;
import dev.dynsecret.LeaseManager;
import dev.dynsecret.LeaseState;
import dev.dynsecret.OrphanSweepReport;
import dev.dynsecret.memory.MemoryLeaseStore;
import dev.dynsecret.ListedCredential;
import dev.dynsecret.testkit.TestClock;
import dev.dynsecret.apic.simulator.ApicSimulator;
import dev.dynsecret.apic.simulator.Fault;
import dev.dynsecret.apic.simulator.RequestKind;
import dev.dynsecret.apic.simulator.Seed;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The orphan sweep with the IBM API Connect provider against the simulator: listing pages through
 * the application's credentials, only {@code dynsecret-<lease id>} ones are considered, and only
 * those no lease tracks are deleted.
 */
class OrphanSweepAgainstSimulatorTest {
  private static final String SECRET = "orders-api";

  private final TestClock clock = TestClock.standard();
  private final List<LeaseManager> managers = new ArrayList<>();
  private ApicSimulator apic;

  @BeforeEach
  void start() {
    apic = ApicSimulator.builder().maxPageSize(3).start(); // small pages: listing must page
  }

  @AfterEach
  void stop() {
    managers.forEach(LeaseManager::close);
    apic.close();
  }

  private LeaseManager manager(String node) {
    Seed seed = apic.seed();
    LeaseManager manager = LeaseManager.builder()
        .store(new MemoryLeaseStore())
        .clock(clock)
        .nodeId(node)
        .pendingGracePeriod(Duration.ofMinutes(5))
        .secret(DynamicSecret.builder(SECRET)
            .provider(ApiConnectProvider.TYPE, apic.providerConfig()
                .build())
            .defaultTtl(Duration.ofMinutes(10))
            .maxTtl(Duration.ofHours(1))
            .build())
        .build();
    managers.add(manager);
    return manager;
  }

  @Test
  void credentialsNoLeaseTracksAreReportedByADryRunThenDeletedAndNothingElseIsTouched()
      throws Exception {
    LeaseManager leases = manager("node-1");
    Set<String> active = new HashSet<>();
    for (int i = 0; i < 4; i++) {
      active.add("dynsecret-" + leases.create(SECRET).lease().id());
    }
    // A lease force-revoked while APIC refused the delete: revoked in the store, credential still there.
    Lease forced = leases.create(SECRET).lease();
    apic.faults().failNext(1, Fault.status(403, Fault.BodyKind.JSON), RequestKind.DELETE_CREDENTIAL);
    assertEquals(LeaseState.REVOKED, leases.forceRevoke(forced.id()).state());
    // Credentials whose leases this store never had (here: made through another store).
    LeaseManager elsewhere = manager("node-elsewhere");
    String unknownA = elsewhere.create(SECRET).lease().id();
    String unknownB = elsewhere.create(SECRET).lease().id();
    // A credential made by hand on the same application: not dynsecret's.
    createCredentialByHand("orders-app-key-for-humans");
    assertEquals(8, apic.liveCredentialCount());

    OrphanSweepReport tooEarly = leases.sweepOrphans(SECRET, true);
    assertEquals(2, tooEarly.tooYoung(), "lease ids younger than the grace period: " + tooEarly);
    assertEquals(Set.of(forced.id()), leaseIds(tooEarly.orphans()));

    clock.advance(Duration.ofMinutes(6));
    OrphanSweepReport dryRun = leases.sweepOrphans(SECRET, true);

    assertTrue(dryRun.supported());
    assertEquals(7, dryRun.listed(), "every dynsecret credential, over three pages");
    assertEquals(4, dryRun.tracked());
    assertEquals(Set.of(forced.id(), unknownA, unknownB), leaseIds(dryRun.orphans()));
    assertEquals(0, dryRun.deleted());
    assertEquals(8, apic.liveCredentialCount(), "a dry run deletes nothing");
    assertEquals(List.of(), dryRun.vanished(), "every active lease's credential was listed");

    OrphanSweepReport swept = leases.sweepOrphans(SECRET, false);

    assertEquals(3, swept.deleted());
    assertEquals(0, swept.failed());
    Set<String> expected = new HashSet<>(active);
    expected.add("orders-app-key-for-humans");
    assertEquals(expected, Set.copyOf(apic.liveCredentialNames(apic.seed().app().name())));
    assertEquals(0, leases.sweepOrphans(SECRET, false).orphans().size(), "nothing left to sweep");
  }

  @Test
  void anApplicationThatIsGoneHasNoCredentialsToSweep() {
    LeaseManager leases = manager("node-1");
    Lease lease = leases.create(SECRET).lease();
    apic.removeApp(apic.seed().consumerOrg().name(), apic.seed().app().name());

    OrphanSweepReport report = leases.sweepOrphans(SECRET, false);

    assertTrue(report.supported());
    assertEquals(0, report.listed());
    assertEquals(0, report.deleted());
    assertEquals(List.of(), report.vanished(), "too young to judge yet");

    clock.advance(Duration.ofMinutes(6));
    assertEquals(List.of(lease.id()), leases.sweepOrphans(SECRET, true).vanished(),
        "its credential went with the application");
  }

  private static Set<String> leaseIds(List<ListedCredential> credentials) {
    return credentials.stream().map(ListedCredential::leaseId).collect(Collectors.toSet());
  }

  /** POSTs a credential the way a person with the platform API would. */
  private void createCredentialByHand(String name) throws Exception {
    ObjectMapper json = new ObjectMapper();
    HttpClient http = HttpClient.newHttpClient();
    String tokenBody = json.writeValueAsString(Map.of("grant_type", "api_key",
        "api_key", apic.apiKey().reveal(), "client_id", apic.clientId(),
        "client_secret", apic.clientSecret().reveal()));
    HttpResponse<String> token = http.send(HttpRequest.newBuilder(URI.create(apic.baseUrl() + "/api/token"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(tokenBody)).build(), HttpResponse.BodyHandlers.ofString());
    String accessToken = json.readTree(token.body()).get("access_token").asText();
    Seed seed = apic.seed();
    String path = "/api/apps/" + seed.org().name() + "/" + seed.catalog().name() + "/"
        + seed.consumerOrg().name() + "/" + seed.app().name() + "/credentials";
    HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(apic.baseUrl() + path))
        .header("Content-Type", "application/json")
        .header("Authorization", "Bearer " + accessToken)
        .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(Map.of("name", name))))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(201, created.statusCode(), created.body());
  }
}
