package dev.dynsecret.internal;

import java.time.Duration;

/**
 * How many provider calls due work may keep in flight: an additive-increase /
 * multiplicative-decrease controller, after TCP's congestion window. It knows nothing of threads
 * or clocks; it is told of calls that ended (with their latency) and of throttling, and answers
 * with the current {@link #limit()}.
 *
 * <ul>
 *   <li><b>Ramp.</b> It starts small and doubles per window of calls answered at the baseline
 *       latency (a window is {@code limit} calls), until the first decrease; from then on it adds
 *       one per window. It never passes the ceiling.
 *   <li><b>Throttled</b> (the provider reports that its system asked callers to slow down): halve.
 *   <li><b>A transient failure</b> (5xx, a dropped connection, a time-out): times 0.7, gentler,
 *       since one flaky connection is not always congestion; and the limit then doubles per
 *       healthy window back up to where it was (a lone fault costs a round trip or two, not the
 *       dozens of windows that growing by one would take). After a throttle or a slow window it
 *       grows by one per window: the system said it was full.
 *   <li><b>Latency.</b> The baseline is the least latency of the last one to two spans of calls.
 *       A call is slow when it took more than twice the baseline and more than {@code slack}
 *       above it (so microsecond calls are not called slow for a scheduler hiccup). At the end of
 *       a window: most calls slow (the system queues them) → times 0.9; more than one in ten slow
 *       → hold; fewer → grow. Ordinary jitter therefore slows the ramp at most.
 *   <li>At most one decrease per window: a call that started before the last decrease does not
 *       decrease again (the whole window in flight then may fail together), and does not count
 *       toward the next window. The floor is 1.
 *   <li>Calls that end while the window is less than half used do not grow it: a trickle of work
 *       says nothing about how much the provider can take.
 * </ul>
 *
 * <p>Not thread-safe: {@link CallWindow} confines it to its lock.
 */
final class InFlightLimit {
  static final int INITIAL = 4;
  static final Duration DEFAULT_SLACK = Duration.ofMillis(5);
  static final int DEFAULT_BASELINE_SPAN = 256;
  private static final double THROTTLED = 0.5;
  private static final double FAILED = 0.7;
  private static final double SLOW = 0.9;

  private final int ceiling;
  private final long slackNanos;
  private final int baselineSpan;
  private int limit;
  private boolean slowStart = true;
  /** After a transient failure: doubling per window is allowed again up to this limit. */
  private int recoverTo;
  /** Bumped by every decrease; calls carry the epoch they started in. */
  private long epoch;
  /** The window being counted: calls of this epoch that ended while the window was busy. */
  private int counted;
  private int slow;
  /** Windowed minimum latency: the least of the current span of calls and the one before. */
  private long spanMin = Long.MAX_VALUE;
  private long previousSpanMin = Long.MAX_VALUE;
  private int inSpan;

  InFlightLimit(int ceiling) {
    this(ceiling, Math.min(INITIAL, ceiling), DEFAULT_SLACK, DEFAULT_BASELINE_SPAN);
  }

  InFlightLimit(int ceiling, int initial, Duration slack, int baselineSpan) {
    if (ceiling < 1 || initial < 1 || initial > ceiling || baselineSpan < 1) {
      throw new IllegalArgumentException("ceiling " + ceiling + ", initial " + initial
          + ", baseline span " + baselineSpan);
    }
    this.ceiling = ceiling;
    this.limit = initial;
    this.slackNanos = slack.toNanos();
    this.baselineSpan = baselineSpan;
  }

  /** How many calls may be in flight now: 1 to the ceiling. */
  int limit() {
    return limit;
  }

  int ceiling() {
    return ceiling;
  }

  /** The epoch a call starting now belongs to; pass it back when the call ends. */
  long epoch() {
    return epoch;
  }

  /**
   * A call that got an answer (anything but a transient failure) after {@code latencyNanos}.
   *
   * @param startedIn the {@link #epoch()} when the call started
   * @param inFlight calls in flight when it ended, itself included
   * @return the limit now
   */
  int answered(long latencyNanos, long startedIn, int inFlight) {
    observeLatency(latencyNanos);
    if (startedIn != epoch || inFlight * 2 < limit) {
      return limit;
    }
    counted++;
    if (slow(latencyNanos)) {
      slow++;
    }
    if (counted >= limit) {
      if (slow * 2 > counted) {
        decrease(SLOW); // most of the window waited: the system is queueing our calls
      } else {
        if (slow * 10 <= counted) {
          limit = slowStart ? Math.min(ceiling, limit * 2)
              : limit < recoverTo ? Math.min(recoverTo, limit * 2)
              : Math.min(ceiling, limit + 1);
        }
        counted = 0;
        slow = 0;
      }
    }
    return limit;
  }

  /**
   * A call that failed transiently.
   *
   * @param startedIn the {@link #epoch()} when the call started
   * @return the limit now
   */
  int failedTransiently(long startedIn) {
    if (startedIn == epoch) {
      int before = limit;
      decrease(FAILED);
      recoverTo = Math.max(recoverTo, before);
    }
    return limit;
  }

  /**
   * The provider reported a throttle episode (once per episode, so each one counts).
   *
   * @return the limit now
   */
  int throttled() {
    decrease(THROTTLED);
    return limit;
  }

  private void decrease(double factor) {
    limit = Math.max(1, Math.min(limit - 1, (int) (limit * factor)));
    recoverTo = 0; // a transient failure sets it again just after
    slowStart = false;
    epoch++;
    counted = 0;
    slow = 0;
  }

  private void observeLatency(long nanos) {
    spanMin = Math.min(spanMin, nanos);
    if (++inSpan >= baselineSpan) {
      previousSpanMin = spanMin;
      spanMin = Long.MAX_VALUE;
      inSpan = 0;
    }
  }

  private boolean slow(long nanos) {
    long baseline = Math.min(spanMin, previousSpanMin);
    return nanos - baseline > slackNanos && nanos > 2 * baseline;
  }
}
