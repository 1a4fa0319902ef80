package dev.dynsecret.internal;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynsecret.LeaseState;
import dev.dynsecret.RetryPolicy;
import dev.dynsecret.RevokeReason;
import dev.dynsecret.Secret;
import dev.dynsecret.SecretData;
import dev.dynsecret.spi.CreatedCredential;
import dev.dynsecret.spi.LeaseRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Each rule of the lifecycle, as the pure function that applies it. */
class LeaseTransitionsTest {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
  private static final Duration TTL = Duration.ofHours(1);
  private static final Duration MAX_TTL = Duration.ofHours(8);
  private static final Duration GRACE = Duration.ofMinutes(5);
  private static final Duration CLAIM = Duration.ofMinutes(2);
  private static final RetryPolicy POLICY =
      new RetryPolicy(3, Duration.ofSeconds(1), Duration.ofMinutes(1), 2.0, 0.0);

  private static LeaseRecord pending() {
    return LeaseTransitions.pending("lease-1", "orders-api", T0, TTL, MAX_TTL, "node-a", GRACE);
  }

  private static LeaseRecord active() {
    return LeaseTransitions.activated(pending(), new CreatedCredential("ext-1",
        SecretData.of(Map.of("TOKEN", Secret.of("t0ken-value"))), Map.of("name", "dynsecret-lease-1")));
  }

  @Nested
  class Creating {
    @Test
    void aPendingLeaseIsHeldByItsCreatorForTheGracePeriod() {
      LeaseRecord lease = pending();
      assertAll(
          () -> assertEquals(LeaseState.PENDING, lease.state()),
          () -> assertEquals(T0.plus(TTL), lease.expiresAt()),
          () -> assertEquals(T0.plus(MAX_TTL), lease.hardLimitAt()),
          () -> assertEquals("node-a", lease.claimedBy()),
          () -> assertEquals(T0.plus(GRACE), lease.dueAt()),
          () -> assertNull(lease.externalId()));
    }

    @Test
    void activationRecordsTheCredentialReleasesTheClaimAndFallsDueAtExpiry() {
      LeaseRecord lease = active();
      assertAll(
          () -> assertEquals(LeaseState.ACTIVE, lease.state()),
          () -> assertEquals("ext-1", lease.externalId()),
          () -> assertEquals(Map.of("name", "dynsecret-lease-1"), lease.metadata()),
          () -> assertNull(lease.claimedBy()),
          () -> assertEquals(lease.expiresAt(), lease.dueAt()));
    }

    @Test
    void aRefusedCreateIsClosedAtOnceWithNothingLeftToDo() {
      LeaseRecord lease = LeaseTransitions.createRefused(pending(), "definitive: 403", T0, "node-a");
      assertAll(
          () -> assertEquals(LeaseState.REVOKED, lease.state()),
          () -> assertEquals(RevokeReason.CREATE_FAILED, lease.revokeReason()),
          () -> assertEquals("definitive: 403", lease.lastError()),
          () -> assertNull(lease.dueAt()),
          () -> assertNull(lease.claimedBy()));
    }

    @Test
    void aCreateInDoubtStaysPendingAndFallsDueNowForReconciliation() {
      LeaseRecord lease = LeaseTransitions.createInDoubt(pending(), "transient: timeout", T0);
      assertAll(
          () -> assertEquals(LeaseState.PENDING, lease.state()),
          () -> assertEquals(T0, lease.dueAt()),
          () -> assertNull(lease.claimedBy()),
          () -> assertEquals("transient: timeout", lease.lastError()));
    }
  }

  @Nested
  class Revoking {
    @Test
    void aClaimKeepsAReasonAlreadyRecorded() {
      LeaseRecord expiring = LeaseTransitions.expired(active());
      LeaseRecord claimed = LeaseTransitions.claimed(expiring, "node-b", T0, CLAIM, RevokeReason.MANUAL);
      assertAll(
          () -> assertEquals(RevokeReason.EXPIRED, claimed.revokeReason()),
          () -> assertEquals("node-b", claimed.claimedBy()),
          () -> assertEquals(T0.plus(CLAIM), claimed.dueAt()));
    }

    @Test
    void claimingAFailedRevocationIsAnOperatorsRetryWithAFreshBudget() {
      LeaseRecord failed = active().toBuilder().state(LeaseState.REVOCATION_FAILED)
          .revokeReason(RevokeReason.EXPIRED).revocationAttempts(3).build();
      LeaseRecord claimed = LeaseTransitions.claimed(failed, "node-a", T0, CLAIM, RevokeReason.MANUAL);
      assertAll(
          () -> assertEquals(LeaseState.ACTIVE, claimed.state()),
          () -> assertEquals(0, claimed.revocationAttempts()),
          () -> assertTrue(claimed.revocationPending()));
    }

    @Test
    void aReconciledPendingLeaseCountsAsAFailedCreate() {
      LeaseRecord claimed = LeaseTransitions.claimed(pending(), "node-b", T0, CLAIM, null);
      LeaseRecord revoked = LeaseTransitions.revoked(claimed, T0, "node-b");
      assertAll(
          () -> assertEquals(LeaseState.REVOKED, revoked.state()),
          () -> assertEquals(RevokeReason.CREATE_FAILED, revoked.revokeReason()),
          () -> assertEquals("node-b", revoked.revokedBy()),
          () -> assertNull(revoked.dueAt()));
    }

    @Test
    void aFailedAttemptIsRetriedAfterTheBackoff() {
      LeaseRecord claimed = LeaseTransitions.claimed(active(), "node-a", T0, CLAIM, RevokeReason.MANUAL);
      LeaseRecord next = LeaseTransitions.attemptFailed(claimed, "transient: 503", false, T0, POLICY,
          0.0, null);
      assertAll(
          () -> assertEquals(LeaseState.ACTIVE, next.state()),
          () -> assertEquals(1, next.revocationAttempts()),
          () -> assertEquals(T0.plus(POLICY.delay(1, 0.0)), next.dueAt()),
          () -> assertEquals(next.dueAt(), next.nextAttemptAt()),
          () -> assertNull(next.claimedBy()));
    }

    @Test
    void aLongerRetryAfterFromTheSystemWinsOverTheBackoffAndAShorterOneDoesNot() {
      LeaseRecord claimed = LeaseTransitions.claimed(active(), "node-a", T0, CLAIM, RevokeReason.MANUAL);
      Duration backoff = POLICY.delay(1, 0.0);
      LeaseRecord asked = LeaseTransitions.attemptFailed(claimed, "transient: 429", false, T0,
          POLICY, 0.0, backoff.plusSeconds(30));
      LeaseRecord ignored = LeaseTransitions.attemptFailed(claimed, "transient: 429", false, T0,
          POLICY, 0.0, Duration.ZERO);
      assertEquals(T0.plus(backoff).plusSeconds(30), asked.dueAt());
      assertEquals(T0.plus(backoff), ignored.dueAt());
    }

    @Test
    void aDefinitiveFailureOrTheLastAttemptNeedsAnOperator() {
      LeaseRecord claimed = LeaseTransitions.claimed(active(), "node-a", T0, CLAIM, RevokeReason.MANUAL);
      LeaseRecord definitive = LeaseTransitions.attemptFailed(claimed, "definitive: 403", true, T0,
          POLICY, 0.0, null);
      LeaseRecord lastTry = LeaseTransitions.attemptFailed(
          claimed.toBuilder().revocationAttempts(POLICY.maxAttempts() - 1).build(), "transient: 503",
          false, T0, POLICY, 0.0, null);
      for (LeaseRecord failed : new LeaseRecord[] {definitive, lastTry}) {
        assertAll(
            () -> assertEquals(LeaseState.REVOCATION_FAILED, failed.state()),
            () -> assertNull(failed.dueAt(), "nothing scheduled: an operator decides"),
            () -> assertNull(failed.nextAttemptAt()));
      }
    }

    @Test
    void aForcedRevocationSaysTheProviderDidNotConfirmIt() {
      LeaseRecord forced = LeaseTransitions.forced(active(), RevokeReason.FORCED, T0, "node-a",
          "definitive: 403 Forbidden");
      LeaseRecord confirmed = LeaseTransitions.forced(active(), RevokeReason.FORCED, T0, "node-a", null);
      assertEquals("forced without the provider confirming deletion: definitive: 403 Forbidden",
          forced.lastError());
      assertEquals(LeaseState.REVOKED, forced.state());
      assertNull(confirmed.lastError());
    }
  }

  @Nested
  class Claims {
    @Test
    void aClaimIsLiveUntilItsDueTime() {
      LeaseRecord claimed = LeaseTransitions.claimed(active(), "node-a", T0, CLAIM, RevokeReason.MANUAL);
      assertTrue(LeaseTransitions.claimLive(claimed, T0.plus(CLAIM).minusNanos(1)));
      assertFalse(LeaseTransitions.claimLive(claimed, T0.plus(CLAIM)));
      assertFalse(LeaseTransitions.claimLive(LeaseTransitions.released(claimed, T0), T0.minusSeconds(1)));
    }

    @Test
    void onlyTheNextVersionWithTheSameOutcomeCountsAsTheWriteTakingEffect() {
      LeaseRecord claimed = LeaseTransitions.claimed(active(), "node-a", T0, CLAIM, RevokeReason.MANUAL);
      LeaseRecord written = LeaseTransitions.revoked(claimed, T0, "node-a");
      LeaseRecord stored = written.toBuilder().version(written.version() + 1).build();
      LeaseRecord someoneElse = stored.toBuilder().revokedBy("node-b").build();
      assertTrue(LeaseTransitions.writtenAsAsked(written, stored));
      assertFalse(LeaseTransitions.writtenAsAsked(written, someoneElse));
      assertFalse(LeaseTransitions.writtenAsAsked(written,
          stored.toBuilder().version(stored.version() + 1).build()));
    }
  }
}
