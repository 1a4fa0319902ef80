package dev.dynsecret.apic;

import static dev.dynsecret.CredentialEvent.Type.CLOSED;
import static dev.dynsecret.CredentialEvent.Type.CREATED;
import static dev.dynsecret.CredentialEvent.Type.PREVIOUS_REVOKED;
import static dev.dynsecret.CredentialEvent.Type.RENEWED;
import static dev.dynsecret.CredentialEvent.Type.ROTATED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynsecret.CreatedLease;
import dev.dynsecret.CredentialEvent;
import dev.dynsecret.DynamicSecret;
import dev.dynsecret.InvalidRequestException;
import dev.dynsecret.Lease;
import dev.dynsecret.LeaseState;
import dev.dynsecret.ManagedCredential;
import dev.dynsecret.ManagerClosedException;
import dev.dynsecret.NotFoundException;
import dev.dynsecret.ProviderException;
import dev.dynsecret.SecretData;
import dev.dynsecret.apic.simulator.Fault;
import dev.dynsecret.apic.simulator.RequestKind;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A managed credential step by step, against the APIC simulator and its gateway: what the
 * application holds is checked by calling the gateway with it.
 */
class ManagedCredentialTest {
  private static final Duration HOUR = Duration.ofHours(1);

  private final ManagedFixture apic = new ManagedFixture(HOUR, Duration.ofMinutes(90));

  @AfterEach
  void stop() {
    apic.close();
  }

  /** No jitter, so the steps fall on known minutes; listeners called on the managing thread. */
  private ManagedCredential.Options exact() {
    return ManagedCredential.options().renewAt(0.5).jitter(0).overlap(Duration.ofMinutes(5))
        .listenerExecutor(Runnable::run).listener(apic.events::add);
  }

  @Test
  void theFirstLeaseIsCreatedBeforeManageReturnsAndWorksAtTheGateway() {
    ManagedCredential credential = apic.leases.manage(ManagedFixture.SECRET, exact());

    assertEquals(List.of(CREATED), apic.types());
    Lease lease = credential.lease();
    assertEquals(LeaseState.ACTIVE, apic.leases.get(lease.id()).state());
    assertEquals(apic.clock.instant().plus(HOUR), lease.expiresAt());
    assertTrue(apic.gatewayAccepts(credential.get()));
    assertEquals(credential.current(), apic.events.get(0).current());
    assertFalse(credential.toString().contains(
        credential.get().get(ApiConnectProvider.CLIENT_SECRET).reveal()));
  }

  @Test
  void aMisconfigurationFailsManageAndLeavesNothingBehind() {
    NotFoundException unknown = assertThrows(NotFoundException.class,
        () -> apic.leases.manage("no-such-secret", exact()));
    assertTrue(unknown.getMessage().contains("no-such-secret"), unknown.getMessage());

    InvalidRequestException overlap = assertThrows(InvalidRequestException.class,
        () -> apic.leases.manage(ManagedFixture.SECRET, exact().overlap(Duration.ofMinutes(30))));
    assertEquals("overlap", overlap.field());

    apic.leases.register(DynamicSecret.builder("wrong-app")
        .provider(ApiConnectProvider.TYPE, apic.sim.providerConfig().put("app", "no-such-app")
            .build())
        .defaultTtl(HOUR).build());
    assertThrows(ProviderException.class, () -> apic.leases.manage("wrong-app", exact()));

    assertEquals(0, apic.sim.liveCredentialCount());
    assertEquals(List.of(), apic.events);
    assertEquals(0, apic.leases.processDue(), "nothing is managed");
  }

  @Test
  void renewsAtTheRenewalPointKeepingTheSameCredential() {
    ManagedCredential credential = apic.leases.manage(ManagedFixture.SECRET, exact());
    SecretData first = credential.get();
    Instant created = apic.clock.instant();

    apic.runFor(Duration.ofMinutes(29));
    assertEquals(List.of(CREATED), apic.types(), "not yet half way through the TTL");
    apic.runFor(Duration.ofMinutes(1));

    assertEquals(List.of(CREATED, RENEWED), apic.types());
    assertEquals(created.plus(Duration.ofMinutes(90)), credential.lease().expiresAt());
    assertEquals(created.plus(Duration.ofMinutes(90)),
        apic.leases.get(credential.lease().id()).expiresAt());
    assertEquals(first, credential.get());
    assertEquals(1, apic.sim.requestCount(RequestKind.CREATE_CREDENTIAL));
    assertTrue(apic.gatewayAccepts(credential.get()));
  }

  @Test
  void rotatesBeforeTheHardLimitAndKeepsTheOldCredentialForTheOverlap() {
    ManagedCredential credential = apic.leases.manage(ManagedFixture.SECRET, exact());
    SecretData first = credential.get();
    Lease firstLease = credential.lease();

    // Renewed at 0:30 by a full hour, to the 1:30 hard limit; at 1:00 a full hour no longer fits.
    apic.runFor(Duration.ofMinutes(60));

    assertEquals(List.of(CREATED, RENEWED, ROTATED), apic.types());
    SecretData second = credential.get();
    assertNotEquals(first.get(ApiConnectProvider.CLIENT_ID).reveal(),
        second.get(ApiConnectProvider.CLIENT_ID).reveal());
    CredentialEvent rotated = apic.events.get(2);
    assertEquals(firstLease.id(), rotated.previous().id());
    assertEquals(second, rotated.secretData());
    assertTrue(apic.gatewayAccepts(second));
    assertTrue(apic.gatewayAccepts(first), "the old credential works during the overlap");

    apic.runFor(Duration.ofMinutes(4));
    assertTrue(apic.gatewayAccepts(first), "still within the 5-minute overlap");
    apic.runFor(Duration.ofMinutes(1));

    assertEquals(List.of(CREATED, RENEWED, ROTATED, PREVIOUS_REVOKED), apic.types());
    assertFalse(apic.gatewayAccepts(first), "revoked when the overlap ended");
    assertTrue(apic.gatewayAccepts(second));
    assertEquals(LeaseState.REVOKED, apic.leases.get(firstLease.id()).state());
    assertEquals(1, apic.sim.liveCredentialCount());
  }

  @Test
  void aLeaseRevokedBehindItsBackIsReplacedAtTheNextStepInsteadOfRenewedInVain() {
    ManagedCredential credential = apic.leases.manage(ManagedFixture.SECRET, exact());
    Lease first = credential.lease();
    apic.leases.revoke(first.id()); // an operator, say

    apic.runFor(Duration.ofMinutes(30));

    assertEquals(List.of(CREATED, ROTATED, PREVIOUS_REVOKED), apic.types());
    assertNotEquals(first.id(), credential.lease().id());
    assertTrue(apic.gatewayAccepts(credential.get()));
  }

  @Test
  void rotatesAfterThePlatformTokenWasInvalidated() {
    ManagedCredential credential = apic.leases.manage(ManagedFixture.SECRET, exact());
    apic.sim.invalidateTokens();
    long tokens = apic.sim.requestCount(RequestKind.TOKEN);

    apic.runFor(Duration.ofMinutes(60));

    assertEquals(List.of(CREATED, RENEWED, ROTATED), apic.types());
    assertEquals(tokens + 1, apic.sim.requestCount(RequestKind.TOKEN), "one new token");
    assertTrue(apic.gatewayAccepts(credential.get()));
  }

  @Test
  void aSlowListenerDoesNotHoldUpRotationAndAFailingOneDoesNotSilenceTheOthers()
      throws InterruptedException {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch blocked = new CountDownLatch(1);
    List<CredentialEvent.Type> heard = new CopyOnWriteArrayList<>();
    CountDownLatch closedHeard = new CountDownLatch(1);
    ManagedCredential credential = apic.leases.manage(ManagedFixture.SECRET,
        ManagedCredential.options().renewAt(0.5).jitter(0)
            .listener(event -> {
              blocked.countDown();
              try {
                release.await(); // a listener stuck on a slow call
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            })
            .listener(event -> {
              throw new IllegalStateException("listener bug");
            })
            .listener(event -> {
              heard.add(event.type());
              if (event.type() == CLOSED) {
                closedHeard.countDown();
              }
            }));
    assertTrue(blocked.await(10, TimeUnit.SECONDS), "the first event reached the listener");

    apic.runFor(Duration.ofMinutes(65)); // renew, rotate, revoke the old one: all on this thread

    assertEquals(2, apic.sim.requestCount(RequestKind.CREATE_CREDENTIAL));
    assertEquals(1, apic.sim.liveCredentialCount());
    assertTrue(apic.gatewayAccepts(credential.get()));
    assertEquals(List.of(), heard, "nothing delivered while the first listener is stuck");
    credential.close();

    release.countDown();
    assertTrue(closedHeard.await(10, TimeUnit.SECONDS));
    assertEquals(List.of(CREATED, RENEWED, ROTATED, PREVIOUS_REVOKED, CLOSED), heard,
        "every event, in order, despite the listener that throws");
  }

  @Test
  void closeRevokesTheCredentialAndRefusesReadsAfterwards() {
    ManagedCredential credential = apic.leases.manage(ManagedFixture.SECRET, exact());
    SecretData data = credential.get();
    Lease lease = credential.lease();

    credential.close();
    credential.close();

    assertTrue(credential.isClosed());
    assertEquals(List.of(CREATED, CLOSED), apic.types());
    assertEquals(LeaseState.REVOKED, apic.leases.get(lease.id()).state());
    assertFalse(apic.gatewayAccepts(data));
    assertEquals(0, apic.sim.liveCredentialCount());
    ManagerClosedException refused = assertThrows(ManagerClosedException.class, credential::get);
    assertTrue(refused.getMessage().contains("closed"), refused.getMessage());
    assertEquals(0, apic.leases.processDue(), "a closed credential has no due work");
  }

  @Test
  void closeCanLeaveTheCredentialToExpireButStillRevokesOneInItsOverlap() {
    ManagedCredential credential = apic.leases.manage(ManagedFixture.SECRET,
        exact().revokeOnClose(false));
    SecretData first = credential.get();
    apic.runFor(Duration.ofMinutes(60)); // rotated; the first is in its overlap
    SecretData second = credential.get();
    Lease lease = credential.lease();

    credential.close();

    assertFalse(apic.gatewayAccepts(first), "the replaced one is revoked on close");
    assertTrue(apic.gatewayAccepts(second), "the current one is left to its expiry");
    assertEquals(LeaseState.ACTIVE, apic.leases.get(lease.id()).state());
    apic.clock.set(lease.expiresAt());
    apic.leases.processDue();
    assertFalse(apic.gatewayAccepts(second), "the engine expired it");
    assertEquals(0, apic.sim.liveCredentialCount());
  }

  @Test
  void closingTheLeaseManagerClosesItsManagedCredentials() {
    ManagedCredential credential = apic.leases.manage(ManagedFixture.SECRET, exact());
    ManagedCredential second = apic.leases.manage(ManagedFixture.SECRET, exact());
    assertEquals(2, apic.sim.liveCredentialCount());

    apic.leases.close();

    assertTrue(credential.isClosed());
    assertTrue(second.isClosed());
    assertEquals(0, apic.sim.liveCredentialCount());
    assertEquals(2, apic.count(CLOSED));
  }

  @Test
  void aDefinitiveRefusalToRotateIsRetriedAndReportedWhileTheOldCredentialServes() {
    ManagedCredential credential = apic.leases.manage(ManagedFixture.SECRET, exact());
    SecretData first = credential.get();
    apic.sim.faults().failNext(3, Fault.status(403, Fault.BodyKind.JSON),
        RequestKind.CREATE_CREDENTIAL);

    apic.runFor(Duration.ofMinutes(60)); // rotation due at 1:00 fails
    apic.runFor(Duration.ofMinutes(2));  // two more failures, one a minute

    assertEquals(3, apic.count(CredentialEvent.Type.RENEWAL_FAILED));
    CredentialEvent failure = apic.events.stream()
        .filter(e -> e.type() == CredentialEvent.Type.RENEWAL_FAILED).findFirst().orElseThrow();
    assertTrue(failure.problem().startsWith("definitive"), failure.problem());
    assertTrue(failure.nextAttemptAt().isAfter(failure.at()));
    assertEquals(first, credential.get(), "the old credential is still the one in use");
    assertEquals(credential.lease().hardLimitAt(), credential.lease().expiresAt(),
        "stretched to its hard limit while the rotation is retried");
    assertTrue(apic.gatewayAccepts(first));

    apic.runFor(Duration.ofMinutes(2));

    assertTrue(apic.types().contains(ROTATED));
    assertEquals(CredentialEvent.Type.RECOVERED, apic.types().get(apic.types().size() - 1));
    assertTrue(apic.gatewayAccepts(credential.get()));
  }

  @Test
  void currentPairsTheLatestLeaseWithItsSecretData() {
    ManagedCredential credential = apic.leases.manage(ManagedFixture.SECRET, exact());
    apic.runFor(Duration.ofMinutes(30));
    CreatedLease current = credential.current();
    assertEquals(apic.leases.get(current.lease().id()).expiresAt(), current.lease().expiresAt());
    assertEquals(current.secretData(), credential.get());
  }
}
