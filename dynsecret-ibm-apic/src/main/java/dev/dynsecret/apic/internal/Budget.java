package dev.dynsecret.apic.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The time one operation may spend retrying. Elapsed time is the larger of what the clock shows
 * and what the operation waited, so a test clock that the sleeper does not move still runs the
 * budget out. Used by one thread.
 */
final class Budget {
  private final Clock clock;
  private final Instant start;
  private final Duration limit;
  private Duration waited = Duration.ZERO;

  private Budget(Clock clock, Duration limit) {
    this.clock = clock;
    this.start = clock.instant();
    this.limit = limit;
  }

  static Budget of(Clock clock, Duration limit) {
    return new Budget(clock, limit);
  }

  Duration limit() {
    return limit;
  }

  void spent(Duration wait) {
    waited = waited.plus(wait);
  }

  Duration elapsed() {
    Duration byClock = Duration.between(start, clock.instant());
    return byClock.compareTo(waited) >= 0 ? byClock : waited;
  }

  /** What is left, never negative. */
  Duration left() {
    Duration left = limit.minus(elapsed());
    return left.isNegative() ? Duration.ZERO : left;
  }

  boolean exhausted() {
    return left().isZero();
  }
}
