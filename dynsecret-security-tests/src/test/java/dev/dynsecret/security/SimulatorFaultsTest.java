package dev.dynsecret.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

/**
 * Malformed answers from the stateful APIC simulator's faults, where the platform's own state
 * shows whether anything was lost: a credential made behind a spoiled answer is cleaned up, and a
 * delete "confirmed" by a page that is not APIC's does not end the lease while the credential
 * still works.
 */
@Timeout(30)
class SimulatorFaultsTest {
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

  @Test
  void aCreateWhoseAnswerIsCutOffLeavesNoCredentialAndNoActiveLease() {
    sim.faults().failNext(1, Fault.truncatedBody(), RequestKind.CREATE_CREDENTIAL);

    TransientProviderException e = assertThrows(TransientProviderException.class,
        () -> leases.create("orders-api"));

    assertTrue(e.getMessage().contains("a body that is not a JSON object"), e::getMessage);
    // The simulator made the credential; the provider deleted it again at once by name.
    assertEquals(0, sim.liveCredentialCount());
    LeaseRecord pending = Fixture.snapshot(store).get(0);
    assertEquals(LeaseState.PENDING, pending.state());
    // Reconciliation then finds nothing left and closes the lease.
    leases.processDue();
    assertEquals(LeaseState.REVOKED, leases.get(pending.id()).state());
    assertEquals(RevokeReason.CREATE_FAILED, leases.get(pending.id()).revokeReason());
  }

  @Test
  void anEmptySuccessfulCreateAnswerIsNotALease() {
    sim.faults().failNext(1, Fault.status(201, Fault.BodyKind.EMPTY), RequestKind.CREATE_CREDENTIAL);

    TransientProviderException e = assertThrows(TransientProviderException.class,
        () -> leases.create("orders-api"));

    assertTrue(e.getMessage().contains("an empty body"), e::getMessage);
    assertEquals(0, sim.liveCredentialCount());
    assertTrue(Fixture.snapshot(store).stream().noneMatch(l -> l.state() == LeaseState.ACTIVE));
  }

  @Test
  void aDeleteAnsweredByAnHtmlPageWith200DoesNotEndTheLeaseWhileTheCredentialLives() {
    CreatedLease created = leases.create("orders-api");
    String clientId = created.secretData().get(ApiConnectProvider.CLIENT_ID).reveal();
    // The page replaces the request: the platform never deleted anything.
    sim.faults().failNext(1, Fault.status(200, Fault.BodyKind.HTML), RequestKind.DELETE_CREDENTIAL);

    TransientProviderException e = assertThrows(TransientProviderException.class,
        () -> leases.revoke(created.lease().id()));

    assertTrue(e.getMessage().contains("the deletion is not confirmed"), e::getMessage);
    assertTrue(sim.isValidAppCredential(clientId,
        created.secretData().get(ApiConnectProvider.CLIENT_SECRET)), "the credential still works");
    Lease pending = leases.get(created.lease().id());
    assertEquals(LeaseState.ACTIVE, pending.state());
    assertTrue(pending.revocationPending());

    // The scheduled retry deletes it for real.
    clock.advance(Duration.ofMinutes(1));
    assertEquals(1, leases.processDue());
    assertEquals(LeaseState.REVOKED, leases.get(created.lease().id()).state());
    assertEquals(0, sim.liveCredentialCount());
  }
}
