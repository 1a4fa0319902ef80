package dev.dynsecret.apic.simulator.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * A token bucket: {@code rate} requests a second on average, {@code burst} at once after a quiet
 * spell. Time comes from the simulator's clock, so a test that drives a {@code TestClock} decides
 * when tokens come back.
 */
public final class RateLimiter {
  private final Clock clock;

  // guarded by this
  private double rate;
  private int burst;
  private double tokens;
  private Instant last;

  public RateLimiter(Clock clock) {
    this.clock = clock;
  }

  /** Turns the limit on (a full bucket) or, with a rate of 0, off. */
  public synchronized void limit(double perSecond, int burst) {
    this.rate = perSecond;
    this.burst = burst;
    this.tokens = burst;
    this.last = clock.instant();
  }

  public synchronized void off() {
    limit(0, 0);
  }

  public synchronized boolean isOn() {
    return rate > 0;
  }

  /** The rate in requests per second, 0 when off. */
  public synchronized double rate() {
    return rate;
  }

  public synchronized int burst() {
    return burst;
  }

  /**
   * Takes a token for one request.
   *
   * @return zero if the request may be served, else how long until a token is free
   */
  synchronized Duration acquire() {
    if (rate <= 0) {
      return Duration.ZERO;
    }
    Instant now = clock.instant();
    if (now.isAfter(last)) {
      double seconds = Duration.between(last, now).toNanos() / 1e9;
      tokens = Math.min(burst, tokens + seconds * rate);
      last = now;
    }
    if (tokens >= 1) {
      tokens -= 1;
      return Duration.ZERO;
    }
    return Duration.ofNanos((long) Math.ceil((1 - tokens) / rate * 1e9));
  }
}
