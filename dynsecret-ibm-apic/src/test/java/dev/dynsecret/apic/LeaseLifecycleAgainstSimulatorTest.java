package dev.dynsecret.apic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynsecret.CreatedLease;
import dev.dynsecret.DynamicSecret;
import dev.dynsecret.Lease;
import dev.dynsecret.LeaseManager;
import dev.dynsecret.LeaseState;
import dev.dynsecret.RetryPolicy;
import dev.dynsecret.RevokeReason;
import dev.dynsecret.TransientProviderException;
import dev.dynsecret.memory.MemoryLeaseStore;
import dev.dynsecret.LeaseQuery;
import dev.dynsecret.testkit.LogCapture;
import dev.dynsecret.testkit.TestClock;
import dev.dynsecret.apic.simulator.ApicSimulator;
import dev.dynsecret.apic.simulator.Fault;
import dev.dynsecret.apic.simulator.RequestKind;
import dev.dynsecret.apic.simulator.Seed;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The IBM API Connect provider inside the engine, against the stateful simulator over real HTTP:
 * what a user of {@code LeaseManager} sees, end to end. The provider is found by ServiceLoader, as
 * in an application that only has the module on its classpath.
 */
class LeaseLifecycleAgainstSimulatorTest {
  private static final String SECRET = "orders-api";

  private final TestClock clock = TestClock.standard();
  private LogCapture logs;
  private final List<String> secretValues = new ArrayList<>();
  private ApicSimulator apic;
  private MemoryLeaseStore store;
  private LeaseManager leases;

  @BeforeEach
  void start() {
    logs = LogCapture.startIfLogback().orElseThrow();
    // A page size of 2 and other apps ahead of ours make consumer-org resolution page.
    apic = ApicSimulator.builder().maxPageSize(2).start();
    Seed seed = apic.seed();
    for (int i = 0; i < 5; i++) {
      apic.addApp(seed.consumerOrg().name(), "aaa-other-app-" + i);
    }
    store = new MemoryLeaseStore();
    leases = LeaseManager.builder()
        .store(store)
        .clock(clock)
        .nodeId("node-1")
        .retryPolicy(new RetryPolicy(5, Duration.ofSeconds(1), Duration.ofMinutes(1), 2.0, 0.0))
        .build();
    leases.register(DynamicSecret.builder(SECRET)
        .provider(ApiConnectProvider.TYPE, apic.providerConfig()
            .put(ApiConnectKeys.CREATE_DEADLINE, "2s") // real waits: keep a failing create short
            .build())
        .defaultTtl(Duration.ofMinutes(10))
        .maxTtl(Duration.ofHours(1))
        .build());
    secretValues.add(apic.apiKey().reveal());
    secretValues.add(apic.clientSecret().reveal());
  }

  @AfterEach
  void stop() {
    leases.close();
    apic.close();
    logs.stop();
  }

  private CreatedLease create(Duration ttl) {
    CreatedLease created = leases.create(SECRET, ttl);
    secretValues.add(created.secretData().get(ApiConnectProvider.CLIENT_SECRET).reveal());
    return created;
  }

  @Test
  void everyStepOfALeaseReachesApicAndNothingIsLeftBehind() {
    List<CreatedLease> created = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      created.add(create(i % 2 == 0 ? Duration.ofMinutes(5) : Duration.ofMinutes(30)));
    }
    for (CreatedLease lease : created) {
      assertTrue(apic.isValidAppCredential(
          lease.secretData().get(ApiConnectProvider.CLIENT_ID).reveal(),
          lease.secretData().get(ApiConnectProvider.CLIENT_SECRET)), "the secret works on APIC");
    }
    assertEquals(20, apic.liveCredentialCount());

    leases.renew(created.get(0).lease().id(), Duration.ofMinutes(40));
    leases.revoke(created.get(1).lease().id());
    assertEquals(19, apic.liveCredentialCount());

    clock.advance(Duration.ofMinutes(6));
    assertEquals(9, leases.processDue(), "the nine 5-minute leases not renewed");
    assertEquals(10, apic.liveCredentialCount());

    assertEquals(10, leases.revokeAll(SECRET));
    assertEquals(0, apic.liveCredentialCount());
    assertEquals(1, apic.requestCount(RequestKind.TOKEN), "one token served the whole run");
    assertEquals(20, apic.requestCount(RequestKind.CREATE_CREDENTIAL));
    assertEquals(20, apic.requestCount(RequestKind.DELETE_CREDENTIAL));
    assertNoSecretIn(allText());
  }

  @Test
  void anApicOutageDuringRevocationIsRetriedUntilTheCredentialIsGone() {
    Lease lease = create(Duration.ofMinutes(5)).lease();
    // More failures than the provider's own quick retries of an idempotent DELETE.
    apic.faults().failNext(10, Fault.status(503, Fault.BodyKind.HTML), RequestKind.DELETE_CREDENTIAL);

    TransientProviderException e =
        assertThrows(TransientProviderException.class, () -> leases.revoke(lease.id()));
    assertTrue(e.getMessage().contains("503"), e.getMessage());
    assertEquals(1, apic.liveCredentialCount());

    Lease pending = leases.get(lease.id());
    assertTrue(pending.revocationPending());
    while (leases.get(lease.id()).state() == LeaseState.ACTIVE) {
      clock.advance(Duration.between(clock.instant(), leases.get(lease.id()).nextAttemptAt()));
      leases.processDue();
    }

    Lease revoked = leases.get(lease.id());
    assertEquals(LeaseState.REVOKED, revoked.state());
    assertEquals(RevokeReason.MANUAL, revoked.revokeReason());
    assertEquals(0, apic.liveCredentialCount());
    assertNoSecretIn(allText());
  }

  @Test
  void aCredentialDeletedOutOfBandCountsAsRevoked() {
    Lease lease = create(Duration.ofMinutes(5)).lease();
    apic.removeApp(apic.seed().consumerOrg().name(), apic.seed().app().name());

    assertEquals(LeaseState.REVOKED, leases.revoke(lease.id()).state());
  }

  @Test
  void aLostCreateAnswerIsReplacedInsideCreate() {
    apic.faults().failNext(1, Fault.dropConnection().afterProcessing(), RequestKind.CREATE_CREDENTIAL);

    CreatedLease created = create(Duration.ofMinutes(5));

    assertEquals(LeaseState.ACTIVE, created.lease().state());
    assertTrue(apic.isValidAppCredential(
        created.secretData().get(ApiConnectProvider.CLIENT_ID).reveal(),
        created.secretData().get(ApiConnectProvider.CLIENT_SECRET)));
    assertEquals(1, apic.liveCredentialCount());
    leases.revoke(created.lease().id());
    assertEquals(0, apic.liveCredentialCount());
  }

  @Test
  void aLostCreateAnswerFollowedByAnOutageIsReconciledByName() {
    apic.faults().failNext(1, Fault.dropConnection().afterProcessing(), RequestKind.CREATE_CREDENTIAL);
    apic.faults().errorRate(1, Fault.status(503, Fault.BodyKind.HTML), RequestKind.CREATE_CREDENTIAL);

    assertThrows(TransientProviderException.class, () -> leases.create(SECRET));
    assertEquals(1, apic.liveCredentialCount(), "APIC made it; the answer never arrived");
    apic.faults().clear();

    assertEquals(1, leases.processDue());

    Lease reconciled = leases.list(LeaseQuery.all(10)).items().get(0);
    assertEquals(LeaseState.REVOKED, reconciled.state());
    assertEquals(RevokeReason.CREATE_FAILED, reconciled.revokeReason());
    assertEquals(0, apic.liveCredentialCount());
  }

  private String allText() {
    StringBuilder text = new StringBuilder();
    logs.events().forEach(event -> text.append(event).append('\n'));
    for (Lease lease : leases.list(LeaseQuery.all(1000)).items()) {
      text.append(lease).append('\n'); // everything the store holds
    }
    return text.toString();
  }

  private void assertNoSecretIn(String text) {
    assertFalse(logs.events().isEmpty(), "the scenario logged nothing: the capture is broken");
    for (String secret : secretValues) {
      assertFalse(text.contains(secret), "a secret value leaked into logs or the lease store");
    }
  }
}
