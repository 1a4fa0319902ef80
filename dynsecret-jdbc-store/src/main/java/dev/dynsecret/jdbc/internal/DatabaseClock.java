package dev.dynsecret.jdbc.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's clock corrected to the database's: {@code local + offset}, the offset measured against
 * the database's current time at the midpoint of the query's round trip. Every node sharing the
 * database thus decides by the same time, however far its own clock is off.
 *
 * <p>The offset is measured again every {@link #REMEASURE_EVERY} (by the monotonic {@link
 * System#nanoTime()}), and at once when the local clock moved more than {@link #JUMP} apart from
 * the monotonic time since the last measurement: a clock that was set, stepped by NTP, or resumed
 * from suspend. If that measurement fails (the database is away), the time is carried on from the
 * last measurement by the monotonic clock, never from the jumped local clock; a measurement
 * failure is never thrown from {@link #instant()}, it is tried again after {@link #RETRY_AFTER}.
 * Until a first measurement succeeds, the local clock is used as it is.
 *
 * <p>One thread measures at a time; the others answer from the last measurement meanwhile, so a
 * database that hangs holds up one caller, for at most the store's time-outs.
 */
public final class DatabaseClock extends Clock {
  private static final Logger log = LoggerFactory.getLogger(DatabaseClock.class);
  /** How often the offset is measured again while nothing jumps. */
  public static final Duration REMEASURE_EVERY = Duration.ofSeconds(30);
  /** A local clock moving this much more or less than the monotonic time has jumped. */
  public static final Duration JUMP = Duration.ofSeconds(1);
  /** How long after a failed measurement the next one is tried. */
  static final Duration RETRY_AFTER = Duration.ofSeconds(1);

  /** One measurement: the local clock and the monotonic time at its midpoint, and the offset. */
  private record Measurement(Instant localAt, long nanoAt, Duration offset, Duration roundTrip) {
    Instant databaseAt() {
      return localAt.plus(offset);
    }
  }

  /** State shared by every zone view of one clock. */
  private static final class State {
    final Clock local;
    final Supplier<Instant> databaseTime;
    final ReentrantLock measuring = new ReentrantLock();
    volatile Measurement last;
    volatile long nextAttemptNanos;
    volatile boolean failureReported;

    State(Clock local, Supplier<Instant> databaseTime) {
      this.local = local;
      this.databaseTime = databaseTime;
      this.nextAttemptNanos = System.nanoTime();
    }
  }

  private final State state;
  private final ZoneId zone;

  private DatabaseClock(State state, ZoneId zone) {
    this.state = state;
    this.zone = zone;
  }

  /**
   * {@code local} corrected by the time {@code databaseTime} reads from the database; that
   * supplier may throw (the store's {@code StoreException}), which is handled here.
   */
  public static DatabaseClock correcting(Clock local, Supplier<Instant> databaseTime) {
    return new DatabaseClock(new State(local, databaseTime), local.getZone());
  }

  @Override
  public Instant instant() {
    long nanoNow = System.nanoTime();
    Instant localNow = state.local.instant();
    Measurement m = state.last;
    boolean jumped = m != null && jumped(m, localNow, nanoNow);
    boolean stale = m == null || jumped || nanoNow - m.nanoAt() >= REMEASURE_EVERY.toNanos();
    if (stale && nanoNow - state.nextAttemptNanos >= 0 && state.measuring.tryLock()) {
      try {
        Measurement fresh = measure(m);
        if (fresh != null) {
          return state.local.instant().plus(fresh.offset());
        }
      } finally {
        state.measuring.unlock();
      }
      nanoNow = System.nanoTime();
      localNow = state.local.instant();
    }
    if (m == null) {
      return localNow; // never measured: the database has not answered yet
    }
    if (jumped(m, localNow, nanoNow)) {
      // Not re-measured yet: carry the database's time on by the monotonic clock.
      return m.databaseAt().plusNanos(nanoNow - m.nanoAt());
    }
    return localNow.plus(m.offset());
  }

  private static boolean jumped(Measurement m, Instant localNow, long nanoNow) {
    Duration localMoved = Duration.between(m.localAt(), localNow);
    Duration monotonicMoved = Duration.ofNanos(nanoNow - m.nanoAt());
    return localMoved.minus(monotonicMoved).abs().compareTo(JUMP) > 0;
  }

  /** Measures the offset, best of three round trips; null if the database did not answer. */
  private Measurement measure(Measurement previous) {
    Measurement best = null;
    try {
      for (int i = 0; i < 3; i++) {
        long before = System.nanoTime();
        Instant localBefore = state.local.instant();
        Instant database = state.databaseTime.get();
        long after = System.nanoTime();
        Instant localAfter = state.local.instant();
        Duration roundTrip = Duration.ofNanos(after - before);
        Instant localMid = localBefore.plus(Duration.between(localBefore, localAfter).dividedBy(2));
        Measurement sample = new Measurement(localMid, before + (after - before) / 2,
            Duration.between(localMid, database), roundTrip);
        if (best == null || sample.roundTrip().compareTo(best.roundTrip()) < 0) {
          best = sample;
        }
      }
    } catch (RuntimeException e) {
      state.nextAttemptNanos = System.nanoTime() + RETRY_AFTER.toNanos();
      if (!state.failureReported) {
        state.failureReported = true;
        log.warn("Could not read the database's time ({}); deciding by {} until it answers",
            e.getMessage(), previous == null ? "this node's clock"
                : "the last measurement carried on by the monotonic clock");
      }
      return null;
    }
    state.failureReported = false;
    state.last = best;
    if (previous == null || best.offset().minus(previous.offset()).abs().compareTo(JUMP) > 0) {
      log.info("This node's clock is {} ms {} the database's (measured with a {} µs round trip);"
          + " lease decisions go by the database's time", Math.abs(best.offset().toMillis()),
          best.offset().isNegative() ? "ahead of" : "behind", best.roundTrip().toNanos() / 1000);
    }
    return best;
  }

  /** The last measured offset of the database's clock from the local one, if measured. */
  public Duration offset() {
    Measurement m = state.last;
    return m == null ? Duration.ZERO : m.offset();
  }

  @Override
  public ZoneId getZone() {
    return zone;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return zone.equals(this.zone) ? this : new DatabaseClock(state, zone);
  }

  @Override
  public String toString() {
    Measurement m = state.last;
    return "DatabaseClock[" + state.local + (m == null ? ", not measured" : ", offset " + m.offset())
        + "]";
  }
}
