package dev.dynsecret.internal;

import dev.dynsecret.ManagerClosedException;
import dev.dynsecret.OrphanSweepReport;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the engine's due work: on demand, or every poll interval on a background thread once
 * started: managed credentials' renewals and rotations, then due leases, with the hourly history
 * purge and, if configured, the periodic orphan sweep. Claimed leases are worked in the {@link
 * CallWindow} of provider calls, since revoking is dominated by waiting on the external system; a
 * background pass claims while the window has room and leases are due, and leaves its calls to
 * finish in the window. Threads come from the configured {@link java.util.concurrent.ThreadFactory}.
 *
 * <p>Closing waits (up to the close timeout) for the pass in progress and the calls in flight, so
 * no lease is left claimed by work cut short; a pass that starts after close is refused before it
 * claims anything.
 */
public final class DueWorkRunner implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DueWorkRunner.class);
  private static final Duration PURGE_INTERVAL = Duration.ofHours(1);

  private final DueWork due;
  private final OrphanSweep orphans;
  private final ManagedCredentials managed;
  private final EngineSettings settings;
  private final CallWindow window;
  /** Passes hold the read lock; close takes the write lock, so it waits for them to end. */
  private final ReadWriteLock passes = new ReentrantReadWriteLock();
  private @Nullable ScheduledExecutorService scheduler;
  private @Nullable Instant nextPurge;
  private @Nullable Instant nextOrphanSweep;
  private final Set<String> unsweepable = new HashSet<>();
  private volatile boolean closed;
  /** The skew last warned about, or null while the clock agrees. */
  private Duration reportedSkew;

  public DueWorkRunner(DueWork due, OrphanSweep orphans, ManagedCredentials managed,
      CallWindow window, EngineSettings settings) {
    this.due = due;
    this.orphans = orphans;
    this.managed = managed;
    this.window = window;
    this.settings = settings;
  }

  public synchronized void start() {
    requireOpen("start");
    if (scheduler != null) {
      return;
    }
    scheduler = Executors.newSingleThreadScheduledExecutor(Threads.named(settings, "due-work"));
    long millis = settings.pollInterval().toMillis();
    scheduler.scheduleWithFixedDelay(this::backgroundPass, 0, millis, TimeUnit.MILLISECONDS);
    log.info("Started background lease work on node {} (every {})", settings.nodeId(),
        Durations.format(settings.pollInterval()));
  }

  /**
   * Works every lease due now.
   *
   * @throws ManagerClosedException if the manager is closed; nothing is claimed then
   */
  public int processDueNow() {
    lockPass("processDue");
    try {
      clockAgrees();
      // Managed credentials first: a renewal due at the same instant as its lease's expiry wins.
      int worked = managed.runDue();
      return worked + due.process(true);
    } finally {
      passes.readLock().unlock();
    }
  }

  /** Enters a pass, refusing it once the manager is closed or closing. */
  private void lockPass(String operation) {
    if (!passes.readLock().tryLock()) {
      throw closedFor(operation); // close() holds the write lock: it is closing
    }
    if (closed) {
      passes.readLock().unlock();
      throw closedFor(operation);
    }
  }

  private void backgroundPass() {
    try {
      lockPass("background work");
    } catch (ManagerClosedException closing) {
      return; // close() is under way; it stops this thread next
    }
    try {
      if (!clockAgrees() && settings.refuseWorkOnClockSkew()) {
        return; // said so once in clockAgrees(); try again next poll
      }
      managed.runDue();
      due.process(false);
      Instant now = settings.clock().instant();
      if (nextPurge == null || !now.isBefore(nextPurge)) {
        nextPurge = now.plus(PURGE_INTERVAL);
        due.purgeHistory();
      }
      if (settings.sweepsOrphans() && (nextOrphanSweep == null || !now.isBefore(nextOrphanSweep))) {
        nextOrphanSweep = now.plus(settings.orphanSweepInterval());
        sweepOrphans();
      }
    } catch (RuntimeException e) {
      // Most likely the store is unavailable. Nothing is lost: due leases stay due.
      log.warn("Background lease work failed, will try again in {}: {}",
          Durations.format(settings.pollInterval()), e.toString());
    } finally {
      passes.readLock().unlock();
    }
  }

  /**
   * Whether this node's clock is within the allowed skew of the store's clock, which decisions
   * are made by. Says so in the log when that changes (or the skew moves by more than the
   * allowance again), not on every pass.
   */
  boolean clockAgrees() {
    Duration skew = Duration.between(settings.localClock().instant(), settings.clock().instant());
    Duration allowed = settings.maxClockSkew();
    boolean off = skew.abs().compareTo(allowed) > 0;
    synchronized (this) {
      if (off && (reportedSkew == null || skew.minus(reportedSkew).abs().compareTo(allowed) > 0)) {
        reportedSkew = skew;
        log.warn("The clock of node {} is {} {} the lease store's clock, more than the {} allowed;"
            + " {}. Check the node's time synchronisation", settings.nodeId(),
            Durations.format(skew.abs()), skew.isNegative() ? "ahead of" : "behind",
            Durations.format(allowed), settings.refuseWorkOnClockSkew()
                ? "background lease work stops until it is back within"
                : "decisions go by the store's clock");
      } else if (!off && reportedSkew != null) {
        reportedSkew = null;
        log.info("The clock of node {} is back within {} of the lease store's clock{}",
            settings.nodeId(), Durations.format(allowed),
            settings.refuseWorkOnClockSkew() ? "; background lease work resumes" : "");
      }
    }
    return !off;
  }

  private void sweepOrphans() {
    for (OrphanSweepReport report : orphans.sweepEverySecret()) {
      if (!report.supported() && unsweepable.add(report.secretName())) {
        log.info("Orphan sweep skips dynamic secret '{}': {}", report.secretName(),
            report.message());
      }
    }
  }

  /** Whether {@link #close()} has been called. */
  public boolean isClosed() {
    return closed;
  }

  /** Throws {@link ManagerClosedException} naming {@code operation} once closed. */
  public void requireOpen(String operation) {
    if (closed) {
      throw closedFor(operation);
    }
  }

  private static ManagerClosedException closedFor(String operation) {
    return new ManagerClosedException("the lease manager is closed; " + operation
        + " was refused. Build a new manager to go on: the leases are in the store");
  }

  /**
   * Stops background work: no new pass starts, the pass in progress and the calls in flight are
   * waited for (up to the close timeout, then interrupted), and the threads end. Returns at once
   * if already closed.
   */
  @Override
  public void close() {
    ScheduledExecutorService stopping;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      stopping = scheduler;
    }
    long deadline = System.nanoTime() + settings.closeTimeout().toNanos();
    window.stopClaiming(); // a pass in progress ends once its claimed leases are started
    if (stopping != null) {
      stopping.shutdown();
    }
    boolean quiet = false;
    try {
      quiet = passes.writeLock().tryLock(settings.closeTimeout().toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      if (!quiet) {
        log.warn("Due work on node {} did not finish within the close timeout of {}; stopping it;"
            + " the leases it held are taken over when their claims lapse", settings.nodeId(),
            Durations.format(settings.closeTimeout()));
      }
      if (stopping != null) {
        Threads.awaitOrStop(stopping, deadline);
      }
      window.close(deadline);
    } finally {
      if (quiet) {
        passes.writeLock().unlock();
      }
    }
  }
}
