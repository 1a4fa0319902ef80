package dev.dynsecret.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock that stands still until a test moves it, so tests drive TTLs, backoff and claim
 * timeouts without sleeping. Safe to share between threads and between several managers.
 */
public final class TestClock extends Clock {
  private final AtomicReference<Instant> now;
  private final ZoneId zone;

  private TestClock(AtomicReference<Instant> now, ZoneId zone) {
    this.now = now;
    this.zone = zone;
  }

  /**
   * {@return a clock standing at {@code start}, in UTC}
   *
   * @param start the starting time
   */
  public static TestClock at(Instant start) {
    return new TestClock(new AtomicReference<>(start), ZoneOffset.UTC);
  }

  /**
   * {@return a clock standing at 2030-01-01T00:00:00Z, a fixed point so test output is repeatable}
   */
  public static TestClock standard() {
    return at(Instant.parse("2030-01-01T00:00:00Z"));
  }

  /**
   * Moves the clock forward (or back, for a negative duration) and returns the new time.
   *
   * @param duration how far to move the clock
   * @return the new time
   */
  public Instant advance(Duration duration) {
    return now.updateAndGet(t -> t.plus(duration));
  }

  /**
   * Sets the clock to {@code instant}.
   *
   * @param instant the new time
   */
  public void set(Instant instant) {
    now.set(instant);
  }

  @Override
  public Instant instant() {
    return now.get();
  }

  @Override
  public ZoneId getZone() {
    return zone;
  }

  /** A view in another zone that still moves with this clock. */
  @Override
  public Clock withZone(ZoneId zone) {
    return new TestClock(now, zone);
  }

  @Override
  public String toString() {
    return "TestClock[" + now.get() + "]";
  }
}
