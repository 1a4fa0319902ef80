package dev.dynsecret.internal;

import dev.dynsecret.ManagerClosedException;
import dev.dynsecret.OrphanSweepReport;
import dev.dynsecret.spi.LeaseRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the engine's due work: on demand, or every poll interval on a background thread once
 * started: managed credentials' renewals and rotations, then due leases, with the hourly history
 * purge and, if configured, the periodic orphan sweep. Each batch of claimed leases is spread
 * over {@code parallelism} worker threads, since revoking is dominated by waiting on the external
 * system. Threads come from the configured {@link ThreadFactory}.
 *
 * <p>Closing waits (up to the close timeout) for the pass in progress, so no lease is left claimed
 * by a pass cut short; a pass that starts after close is refused before it claims anything.
 */
public final class DueWorkRunner implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DueWorkRunner.class);
  private static final Duration PURGE_INTERVAL = Duration.ofHours(1);

  private final DueWork due;
  private final OrphanSweep orphans;
  private final ManagedCredentials managed;
  private final EngineSettings settings;
  /** Null when parallelism is 1: the batch is worked on the calling thread. */
  private final @Nullable ExecutorService workers;
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
      EngineSettings settings) {
    this.due = due;
    this.orphans = orphans;
    this.managed = managed;
    this.settings = settings;
    this.workers = settings.parallelism() == 1
        ? null
        : Executors.newFixedThreadPool(settings.parallelism(), named("worker"));
  }

  public synchronized void start() {
    requireOpen("start");
    if (scheduler != null) {
      return;
    }
    scheduler = Executors.newSingleThreadScheduledExecutor(named("due-work"));
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
      return worked + due.process(this::runAll);
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
      due.process(this::runAll);
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

  private void runAll(Collection<LeaseRecord> leases, Consumer<LeaseRecord> work) {
    if (workers == null || leases.size() == 1) {
      leases.forEach(work);
      return;
    }
    List<CompletableFuture<Void>> futures = new ArrayList<>(leases.size());
    for (LeaseRecord lease : leases) {
      futures.add(CompletableFuture.runAsync(() -> work.accept(lease), workers));
    }
    CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();
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
   * Stops background work: no new pass starts, the pass in progress is waited for (up to the close
   * timeout, then interrupted), and the threads end. Returns at once if already closed.
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
        awaitOrStop(stopping, deadline);
      }
      if (workers != null) {
        workers.shutdown();
        awaitOrStop(workers, deadline);
      }
    } finally {
      if (quiet) {
        passes.writeLock().unlock();
      }
    }
  }

  private static void awaitOrStop(ExecutorService executor, long deadline) {
    try {
      if (!executor.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  /**
   * The caller's thread factory if one was configured; otherwise daemon threads named after their
   * role, for thread dumps.
   */
  private ThreadFactory named(String role) {
    ThreadFactory configured = settings.threadFactory();
    if (configured != null) {
      return configured;
    }
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, "dynsecret-" + role + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
