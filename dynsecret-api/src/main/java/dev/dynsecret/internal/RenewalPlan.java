package dev.dynsecret.internal;

import dev.dynsecret.Lease;
import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * When and how a managed credential is kept valid, as pure functions of a lease and the time, so
 * that each rule can be checked on its own.
 *
 * <p>A lease's <em>term</em> runs from its last renewal (or its creation) to its expiry. The
 * <em>renewal point</em> is {@code renewAt} of the term, or {@code renewBefore} ahead of expiry;
 * the step is taken at a random time in the {@code jitter} share of the term just before it. The
 * step renews while a renewal can still grant the full TTL before the hard limit, and rotates
 * otherwise — so a rotation starts with at least the time left at the renewal point (the
 * <em>lead</em>) for retries and the overlap.
 *
 * @param ttl the TTL of each lease and renewal
 * @param renewAt the fraction of the term after which the step is due (unless renewBefore is set)
 * @param renewBefore how long before expiry the step is due, or null to use renewAt
 * @param jitter the share of the time from the term's start to the renewal point, just before
 *     that point, over which the step time is drawn
 * @param overlap how long a replaced credential stays valid after a rotation
 * @param warnBefore how long before expiry a failing credential is reported as running out
 * @param retryFirst the wait after the first failure
 * @param retryMax the longest wait between attempts
 * @param revokeOnClose whether close revokes the current credential
 */
public record RenewalPlan(
    Duration ttl,
    double renewAt,
    @Nullable Duration renewBefore,
    double jitter,
    Duration overlap,
    Duration warnBefore,
    Duration retryFirst,
    Duration retryMax,
    boolean revokeOnClose) {

  /** What the due step does. */
  public enum Step {
    /** Extend the lease in use by a full TTL. */
    RENEW,
    /** Replace it with a new lease: it cannot be extended by a full TTL, or is no longer live. */
    ROTATE
  }

  /** Where the lease's current term started: its last renewal, or its creation. */
  static Instant termStart(Lease lease) {
    return lease.renewedAt() != null ? lease.renewedAt() : lease.createdAt();
  }

  /** The renewal point of the lease's current term, never before the term's start. */
  public Instant renewalPoint(Lease lease) {
    Instant start = termStart(lease);
    Instant point = renewBefore != null
        ? lease.expiresAt().minus(renewBefore)
        : start.plus(fraction(Duration.between(start, lease.expiresAt()), renewAt));
    return point.isBefore(start) ? start : point;
  }

  /**
   * When the step for the lease's current term is taken: the renewal point moved earlier by
   * {@code jitter × random} of the time from the term's start to it.
   *
   * @param random a number in [0, 1)
   */
  public Instant stepAt(Lease lease, double random) {
    Instant start = termStart(lease);
    Instant point = renewalPoint(lease);
    Duration spread = fraction(Duration.between(start, point), jitter * random);
    return point.minus(spread);
  }

  /** Renew while a renewal at {@code now} can grant the full TTL; rotate otherwise. */
  public Step decide(Lease lease, Instant now) {
    if (!lease.isLiveAt(now)) {
      return Step.ROTATE;
    }
    return Duration.between(now, lease.hardLimitAt()).compareTo(ttl) >= 0 ? Step.RENEW
        : Step.ROTATE;
  }

  /**
   * The wait after the {@code failures}-th consecutive failure: {@code retryFirst} doubling, at
   * most {@code retryMax}, less up to a fifth at random.
   *
   * @param random a number in [0, 1)
   */
  public Duration retryDelay(int failures, double random) {
    double millis = retryFirst.toMillis() * Math.pow(2, Math.max(0, Math.min(failures - 1, 40)));
    long base = (long) Math.min(millis, retryMax.toMillis());
    return Duration.ofMillis(base - (long) (base * 0.2 * random));
  }

  /** {@code duration × share}, to the millisecond. */
  static Duration fraction(Duration duration, double share) {
    return Duration.ofMillis((long) (duration.toMillis() * share));
  }
}
