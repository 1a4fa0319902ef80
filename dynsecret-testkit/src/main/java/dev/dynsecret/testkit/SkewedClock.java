package dev.dynsecret.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Real time off by an offset that a test can change while the clock is in use: a node whose clock
 * drifted ({@code SkewedClock.by(Duration.ofSeconds(60))}), or one that jumps ({@link #jump}),
 * as when an operator sets it or a VM resumes. Unlike {@link TestClock} it moves with real time;
 * use it where something real, such as a database's clock, is the reference.
 */
public final class SkewedClock extends Clock {
  private final Clock base;
  private final AtomicReference<Duration> offset;
  private final ZoneId zone;

  private SkewedClock(Clock base, AtomicReference<Duration> offset, ZoneId zone) {
    this.base = base;
    this.offset = offset;
    this.zone = zone;
  }

  /**
   * {@return the system clock, off by {@code offset} (positive: ahead)}
   *
   * @param offset how far off the clock is
   */
  public static SkewedClock by(Duration offset) {
    return new SkewedClock(Clock.systemUTC(), new AtomicReference<>(offset), ZoneOffset.UTC);
  }

  /**
   * Moves the clock by {@code step} at once (negative: back); returns the new offset.
   *
   * @param step how far to move the clock
   * @return the clock's new offset from the underlying clock
   */
  public Duration jump(Duration step) {
    return offset.updateAndGet(o -> o.plus(step));
  }

  /** {@return how far this clock is from the system clock now} */
  public Duration offset() {
    return offset.get();
  }

  @Override
  public Instant instant() {
    return base.instant().plus(offset.get());
  }

  @Override
  public ZoneId getZone() {
    return zone;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return new SkewedClock(base, offset, zone);
  }

  @Override
  public String toString() {
    return "SkewedClock[" + offset.get() + "]";
  }
}
