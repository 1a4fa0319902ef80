package dev.dynsecret;

import dev.dynsecret.internal.Durations;
import java.time.Duration;

/**
 * How failed revocations are retried: exponential backoff with jitter, for a bounded number of
 * attempts. The attempt count lives in the lease record, so a restart or another node continues it.
 *
 * @param maxAttempts attempts in all, the first included, before the lease becomes {@link
 *     LeaseState#REVOCATION_FAILED}
 * @param initialDelay the wait after the first failure
 * @param maxDelay no wait is longer than this
 * @param multiplier each wait is this many times the previous one
 * @param jitter the fraction of each wait that is random, 0 (none) to 1 (a wait anywhere between
 *     zero and the full delay); spreads retries so that nodes do not hit a recovering system at once
 */
public record RetryPolicy(
    int maxAttempts, Duration initialDelay, Duration maxDelay, double multiplier, double jitter) {

  /** Ten attempts, 1 s doubling to at most 10 min, a fifth of each wait random. */
  public static final RetryPolicy DEFAULT =
      new RetryPolicy(10, Duration.ofSeconds(1), Duration.ofMinutes(10), 2.0, 0.2);

  /**
   * Checks every rule, throwing {@link dev.dynsecret.InvalidRequestException} naming the field.
   *
   * @param maxAttempts attempts in all, the first included, before the lease becomes {@link
   *     LeaseState#REVOCATION_FAILED}
   * @param initialDelay the wait after the first failure
   * @param maxDelay no wait is longer than this
   * @param multiplier each wait is this many times the previous one
   * @param jitter the fraction of each wait that is random, 0 (none) to 1 (a wait anywhere between
   *     zero and the full delay); spreads retries so that nodes do not hit a recovering system at
   *     once
   */
  public RetryPolicy {
    if (maxAttempts < 1) {
      throw new InvalidRequestException("maxAttempts", "must be at least 1; was " + maxAttempts);
    }
    if (initialDelay == null || initialDelay.isNegative() || initialDelay.isZero()) {
      throw new InvalidRequestException("initialDelay", "must be positive");
    }
    if (maxDelay == null || maxDelay.compareTo(initialDelay) < 0) {
      throw new InvalidRequestException("maxDelay",
          "must be at least initialDelay " + Durations.format(initialDelay));
    }
    if (!(multiplier >= 1.0)) {
      throw new InvalidRequestException("multiplier", "must be at least 1; was " + multiplier);
    }
    if (!(jitter >= 0.0 && jitter <= 1.0)) {
      throw new InvalidRequestException("jitter", "must be between 0 and 1; was " + jitter);
    }
  }

  /**
   * {@return the wait after the {@code failedAttempts}-th failure, before jitter: {@code
   * initialDelay *
   * multiplier^(failedAttempts - 1)}, at most {@code maxDelay}}
   *
   * @param failedAttempts how many attempts have failed so far, 1 or more
   */
  public Duration baseDelay(int failedAttempts) {
    double millis = initialDelay.toMillis() * Math.pow(multiplier, Math.max(0, failedAttempts - 1));
    return millis >= maxDelay.toMillis() ? maxDelay : Duration.ofMillis((long) millis);
  }

  /**
   * {@return the wait after the {@code failedAttempts}-th failure with jitter applied: between
   * {@code (1
   * - jitter) * base} and {@code base}}
   *
   * @param random a number in [0, 1)
   * @param failedAttempts how many attempts have failed so far, 1 or more
   */
  public Duration delay(int failedAttempts, double random) {
    long base = baseDelay(failedAttempts).toMillis();
    return Duration.ofMillis(base - (long) (base * jitter * random));
  }
}
