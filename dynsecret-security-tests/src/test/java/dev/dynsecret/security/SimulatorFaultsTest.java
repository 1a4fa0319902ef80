package dev.dynsecret.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynsecret.CreatedLease;
import dev.dynsecret.DynamicSecret;
import dev.dynsecret.Lease;
import dev.dynsecret.LeaseManager;
import dev.dynsecret.LeaseState;
import dev.dynsecret.RevokeReason;
import dev.dynsecret.TransientProviderException;
import dev.dynsecret.apic.ApiConnectProvider;
import dev.dynsecret.memory.MemoryLeaseStore;
import dev.dynsecret.ProviderConfig;
import dev.dynsecret.spi.LeaseRecord;
import dev.dynsecret.testkit.TestClock;
import dev.dynsecret.apic.simulator.ApicSimulator;
import dev.dynsecret.apic.simulator.Fault;
import dev.dynsecret.apic.simulator.RequestKind;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import java.util.stream.Stream;
import dev.dynsecret.apic.ApiConnectKeys;

/**
 * Malformed answers from the stateful APIC simulator's faults, where the platform's own state
 * shows whether anything was lost: a create whose answer is spoiled is retried and ends with one
 * working credential, one that stays spoiled leaves nothing working once reconciliation has run,
 * and a delete "confirmed" by a page that is not APIC's does not end the lease while the
 * credential still works.
 */
@Timeout(30)
class SimulatorFaultsTest {
  /** Short, because the provider's retry waits are really slept here. */
  private static final String DEADLINE = "1s";

  private static ApicSimulator sim;
  private final TestClock clock = TestClock.standard();
  private final MemoryLeaseStore store = new MemoryLeaseStore();
  private LeaseManager leases;

  @BeforeAll
  static void startSimulator() {
    sim = ApicSimulator.builder().start();
  }

  @AfterAll
  static void stopSimulator() {
    sim.close();
  }

  @BeforeEach
  void start() {
    sim.reset();
    ProviderConfig config = sim.providerConfig()
        .put(ApiConnectKeys.CREATE_DEADLINE, DEADLINE)
        .build();
    leases = LeaseManager.builder().store(store).clock(clock)
        .provider(ApiConnectProvider.builder().clock(clock).build())
        .secret(DynamicSecret.builder("orders-api").provider(ApiConnectProvider.TYPE, config)
            .defaultTtl(Duration.ofHours(1)).build())
        .build();
  }

  @AfterEach
  void stop() {
    leases.close();
  }

  /** Create answers that say "made" but carry no usable secret. */
  static Stream<Fault> spoiledCreateAnswers() {
    return Stream.of(Fault.truncatedBody(), Fault.status(201, Fault.BodyKind.EMPTY),
        Fault.status(200, Fault.BodyKind.HTML));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("spoiledCreateAnswers")
  void aCreateWhoseAnswerIsSpoiledOnceEndsWithOneWorkingCredential(Fault fault) {
    sim.faults().failNext(1, fault, RequestKind.CREATE_CREDENTIAL);

    CreatedLease created = leases.create("orders-api");

    // The caller holds a credential that works, and it is the only one the platform has.
    assertTrue(sim.isValidAppCredential(
        created.secretData().get(ApiConnectProvider.CLIENT_ID).reveal(),
        created.secretData().get(ApiConnectProvider.CLIENT_SECRET)), "the credential works");
    assertEquals(1, sim.liveCredentialCount());
    assertEquals(LeaseState.ACTIVE, created.lease().state());
    assertEquals(1, Fixture.snapshot(store).size());

    leases.revoke(created.lease().id());
    assertEquals(0, sim.liveCredentialCount());
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("spoiledCreateAnswers")
  void aCreateWhoseAnswersStaySpoiledGivesUpAndReconciliationLeavesNothing(Fault fault) {
    sim.faults().failNext(1_000, fault, RequestKind.CREATE_CREDENTIAL);

    TransientProviderException e = assertThrows(TransientProviderException.class,
        () -> leases.create("orders-api"));

    assertTrue(e.getMessage().contains("within the create deadline of " + DEADLINE.replace("s",
        " s")), e::getMessage);
    assertTrue(e.getMessage().contains("secret is unknown"), e::getMessage);
    // However many attempts, the platform holds at most the one name the lease owns.
    assertTrue(sim.liveCredentialCount() <= 1, () -> "live: " + sim.liveCredentialCount());
    LeaseRecord pending = Fixture.snapshot(store).get(0);
    assertEquals(LeaseState.PENDING, pending.state());

    // Reconciliation deletes what the attempts left, by the lease's name, and closes the lease.
    sim.faults().clear();
    clock.advance(Duration.ofMinutes(10));
    leases.processDue();
    assertEquals(0, sim.liveCredentialCount());
    assertEquals(LeaseState.REVOKED, leases.get(pending.id()).state());
    assertEquals(RevokeReason.CREATE_FAILED, leases.get(pending.id()).revokeReason());
  }

  @Test
  void aDeleteAnsweredOnceByAnHtmlPageWith200IsRetriedUntilTheCredentialIsGone() {
    CreatedLease created = leases.create("orders-api");
    String clientId = created.secretData().get(ApiConnectProvider.CLIENT_ID).reveal();
    // The page replaces the request: the platform never deleted anything.
    sim.faults().failNext(1, Fault.status(200, Fault.BodyKind.HTML), RequestKind.DELETE_CREDENTIAL);

    assertEquals(LeaseState.REVOKED, leases.revoke(created.lease().id()).state());

    assertEquals(2, sim.requestCount(RequestKind.DELETE_CREDENTIAL), "the delete was sent again");
    assertFalse(sim.isValidAppCredential(clientId,
        created.secretData().get(ApiConnectProvider.CLIENT_SECRET)), "the credential is gone");
    assertEquals(0, sim.liveCredentialCount());
  }

  @Test
  void aDeleteAlwaysAnsweredByAnHtmlPageWith200DoesNotEndTheLeaseWhileTheCredentialLives() {
    CreatedLease created = leases.create("orders-api");
    String clientId = created.secretData().get(ApiConnectProvider.CLIENT_ID).reveal();
    sim.faults().failNext(1_000, Fault.status(200, Fault.BodyKind.HTML),
        RequestKind.DELETE_CREDENTIAL);

    TransientProviderException e = assertThrows(TransientProviderException.class,
        () -> leases.revoke(created.lease().id()));

    assertTrue(e.getMessage().contains("the deletion is not confirmed"), e::getMessage);
    assertTrue(sim.isValidAppCredential(clientId,
        created.secretData().get(ApiConnectProvider.CLIENT_SECRET)), "the credential still works");
    Lease pending = leases.get(created.lease().id());
    assertEquals(LeaseState.ACTIVE, pending.state());
    assertTrue(pending.revocationPending());

    // Once the platform answers properly, the scheduled retry deletes it for real.
    sim.faults().clear();
    clock.advance(Duration.ofMinutes(1));
    assertEquals(1, leases.processDue());
    assertEquals(LeaseState.REVOKED, leases.get(created.lease().id()).state());
    assertEquals(0, sim.liveCredentialCount());
  }
}
