package dev.dynsecret.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynsecret.Lease;
import dev.dynsecret.LeaseState;
import dev.dynsecret.RevokeReason;
import dev.dynsecret.internal.RenewalPlan.Step;
import dev.dynsecret.spi.LeaseRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** When a managed credential renews, when it rotates, and how far jitter and backoff move it. */
class RenewalPlanTest {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
  private static final Duration HOUR = Duration.ofHours(1);

  private static RenewalPlan plan(double renewAt, Duration renewBefore, double jitter) {
    return new RenewalPlan(HOUR, renewAt, renewBefore, jitter, Duration.ofMinutes(5),
        Duration.ofMinutes(5), Duration.ofSeconds(1), Duration.ofMinutes(1), true);
  }

  /** An active lease created at T0, renewed at {@code renewedAt} (or never), max TTL 8 h. */
  private static LeaseRecord.Builder lease(Instant renewedAt, Instant expiresAt) {
    LeaseRecord.Builder builder = LeaseRecord.builder().id("lease-1").secretName("orders-api")
        .externalId("ext-1").state(LeaseState.ACTIVE).createdAt(T0).expiresAt(expiresAt)
        .hardLimitAt(T0.plus(Duration.ofHours(8)));
    return renewedAt == null ? builder : builder.renewedAt(renewedAt);
  }

  private static Lease fresh() {
    return lease(null, T0.plus(HOUR)).build().toLease();
  }

  @Test
  void theRenewalPointIsTheFractionOfTheCurrentTermOrTheMarginBeforeExpiry() {
    assertEquals(T0.plus(Duration.ofMinutes(40)), plan(2.0 / 3, null, 0).renewalPoint(fresh()));
    assertEquals(T0.plus(Duration.ofMinutes(50)),
        plan(0.5, Duration.ofMinutes(10), 0).renewalPoint(fresh()));

    // After a renewal at 00:40 the term is 00:40 to 01:40.
    Lease renewed = lease(T0.plus(Duration.ofMinutes(40)), T0.plus(Duration.ofMinutes(100)))
        .build().toLease();
    assertEquals(T0.plus(Duration.ofMinutes(70)), plan(0.5, null, 0).renewalPoint(renewed));

    // A margin longer than a short (stretched) term: due at the term's start, not before it.
    Lease shortTerm = lease(T0.plus(Duration.ofMinutes(450)), T0.plus(Duration.ofMinutes(455)))
        .build().toLease();
    assertEquals(T0.plus(Duration.ofMinutes(450)),
        plan(0.5, Duration.ofMinutes(10), 0).renewalPoint(shortTerm));
  }

  @Test
  void jitterMovesTheStepEarlierByAtMostItsShareAndNeverLater() {
    RenewalPlan plan = plan(2.0 / 3, null, 0.1);
    Lease lease = fresh();
    Instant point = T0.plus(Duration.ofMinutes(40));
    Instant earliest = point.minus(Duration.ofMinutes(4)); // 10% of the 40 minutes to the point

    assertEquals(point, plan.stepAt(lease, 0.0));
    assertEquals(point.minus(Duration.ofMinutes(2)), plan.stepAt(lease, 0.5));
    Random random = new Random(7);
    Instant min = point;
    Instant max = earliest;
    for (int i = 0; i < 10_000; i++) {
      Instant at = plan.stepAt(lease, random.nextDouble());
      assertFalse(at.isAfter(point), () -> at + " is after the renewal point " + point);
      assertFalse(at.isBefore(earliest), () -> at + " is before " + earliest);
      min = at.isBefore(min) ? at : min;
      max = at.isAfter(max) ? at : max;
    }
    // Spread over (nearly) the whole window, so instances do not renew in the same second.
    Duration spread = Duration.between(min, max);
    assertTrue(spread.compareTo(Duration.ofSeconds(235)) > 0, () -> "draws spread only over " + spread);
    assertEquals(point, plan(2.0 / 3, null, 0).stepAt(lease, 0.9), "no jitter, no spread");
  }

  @Test
  void renewsWhileAFullTtlFitsBeforeTheHardLimitAndRotatesAfter() {
    RenewalPlan plan = plan(2.0 / 3, null, 0);
    Instant hardLimit = T0.plus(Duration.ofHours(8));
    Lease lease = lease(T0.plus(Duration.ofMinutes(400)), T0.plus(Duration.ofMinutes(460)))
        .build().toLease();

    assertEquals(Step.RENEW, plan.decide(lease, hardLimit.minus(HOUR)));
    assertEquals(Step.ROTATE, plan.decide(lease, hardLimit.minus(HOUR).plusMillis(1)));
    assertEquals(Step.RENEW, plan.decide(fresh(), T0.plus(Duration.ofMinutes(40))));
  }

  @Test
  void rotatesALeaseThatExpiredOrIsBeingRevoked() {
    RenewalPlan plan = plan(2.0 / 3, null, 0);
    Lease lease = fresh();

    assertEquals(Step.ROTATE, plan.decide(lease, T0.plus(HOUR)));
    Lease revoking = lease(null, T0.plus(HOUR)).revokeReason(RevokeReason.MANUAL).build().toLease();
    assertEquals(Step.ROTATE, plan.decide(revoking, T0.plus(Duration.ofMinutes(40))));
    Lease revoked = lease(null, T0.plus(HOUR)).state(LeaseState.REVOKED).build().toLease();
    assertEquals(Step.ROTATE, plan.decide(revoked, T0.plus(Duration.ofMinutes(40))));
  }

  @Test
  void retriesBackOffExponentiallyUpToTheCapWithAtMostAFifthTakenOff() {
    RenewalPlan plan = plan(2.0 / 3, null, 0);

    assertEquals(Duration.ofSeconds(1), plan.retryDelay(1, 0));
    assertEquals(Duration.ofSeconds(8), plan.retryDelay(4, 0));
    assertEquals(Duration.ofMinutes(1), plan.retryDelay(7, 0));
    assertEquals(Duration.ofMinutes(1), plan.retryDelay(10_000, 0), "no overflow");
    assertEquals(Duration.ofSeconds(48), plan.retryDelay(10, 1.0));
    assertEquals(Duration.ofMillis(6400), plan.retryDelay(4, 1.0));
  }
}
