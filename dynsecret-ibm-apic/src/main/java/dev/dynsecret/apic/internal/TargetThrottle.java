package dev.dynsecret.apic.internal;

import dev.dynsecret.spi.ProviderContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One platform API's "slow down": when it answers 429 (or any transient status with {@code
 * Retry-After}), every thread that talks to it through any connection of the same provider waits
 * until the time it named before sending its next request, instead of each one finding out for
 * itself. Shared by all connections an {@code ApiConnectProvider} made to one base URL.
 *
 * <p>An <em>episode</em> starts when a pause is asked for while none is in force; it is reported
 * once (one WARN line, one {@link ProviderContext#throttled} call), however many calls wait in it
 * and however many further 429s extend it.
 */
public final class TargetThrottle {
  private static final Logger log = LoggerFactory.getLogger(TargetThrottle.class);

  /** Thrown by {@link #awaitTurn} when the pause outlasts what the caller may wait. */
  static final class WaitTooLong extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final Duration wait;

    WaitTooLong(Duration wait) {
      super(null, null, false, false);
      this.wait = wait;
    }
  }

  private final String target;
  private final Clock clock;
  private final Sleeper sleeper;
  // guarded by this
  private Instant pausedUntil = Instant.MIN;
  private long episodes;

  /** @param target the base URL, without credentials or query: safe to log */
  public TargetThrottle(String target, Clock clock, Sleeper sleeper) {
    this.target = target;
    this.clock = clock;
    this.sleeper = sleeper;
  }

  public String target() {
    return target;
  }

  /** How many episodes have started, for tests and diagnostics. */
  public synchronized long episodes() {
    return episodes;
  }

  /**
   * Holds every later request to the target back for {@code wait}, or longer if a pause already in
   * force ends later. Reports the start of an episode through {@code reporter}.
   *
   * @param cause what the target answered, e.g. "429 Too Many Requests"; safe to log
   */
  void pause(Duration wait, String cause, ProviderContext reporter) {
    Instant now = clock.instant();
    Instant until = now.plus(wait);
    boolean starts;
    synchronized (this) {
      starts = !pausedUntil.isAfter(now);
      if (until.isAfter(pausedUntil)) {
        pausedUntil = until;
      }
      if (starts) {
        episodes++;
      }
    }
    if (starts) {
      log.warn("IBM API Connect at {} answered {}: every call to it waits {} ms before it is sent"
          + " (reported once per episode)", target, cause, wait.toMillis());
      try {
        reporter.throttled(target, wait);
      } catch (RuntimeException e) {
        log.warn("Reporting the throttling of {} failed", target, e);
      }
    }
  }

  /**
   * Waits until the target accepts requests again: at once when no pause is in force. A pause
   * extended while this thread waits is waited out too; each wait is spent through the {@link
   * Sleeper} and charged to {@code budget}.
   *
   * @param budget the caller's time, or null for a caller without a deadline
   * @param maxWait the longest pause this caller may sit out
   * @throws WaitTooLong if the pause ends later than {@code maxWait} or the budget allow
   * @throws InterruptedException if interrupted while waiting
   */
  void awaitTurn(@Nullable Budget budget, Duration maxWait) throws InterruptedException {
    Instant waitedFor = null;
    while (true) {
      Instant now = clock.instant();
      Instant until;
      synchronized (this) {
        until = pausedUntil;
      }
      // A sleeper that does not move the clock (tests) must not make this spin: a pause already
      // waited for counts as over.
      if (!until.isAfter(now) || (waitedFor != null && !until.isAfter(waitedFor))) {
        return;
      }
      Duration wait = Duration.between(now, until);
      Duration allowed = budget == null ? maxWait : min(maxWait, budget.left());
      if (wait.compareTo(allowed) > 0) {
        throw new WaitTooLong(wait);
      }
      sleeper.sleep(wait);
      if (budget != null) {
        budget.spent(wait);
      }
      waitedFor = until;
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  @Override
  public synchronized String toString() {
    return "TargetThrottle[" + target + ", pausedUntil=" + pausedUntil + ", episodes=" + episodes
        + "]";
  }
}
