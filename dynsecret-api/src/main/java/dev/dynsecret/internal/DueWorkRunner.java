package dev.dynsecret.internal;

import dev.dynsecret.Lease;
import dev.dynsecret.OrphanSweepReport;
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
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the engine's due work: on demand, or every poll interval on a background thread once
 * started, with the hourly history purge and, if configured, the periodic orphan sweep. Each batch of claimed leases is spread over {@code parallelism} worker threads, since
 * revoking is dominated by waiting on the external system.
 */
public final class DueWorkRunner implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DueWorkRunner.class);
  private static final Duration PURGE_INTERVAL = Duration.ofHours(1);

  private final LeaseEngine engine;
  private final EngineSettings settings;
  private final ExecutorService workers;
  private ScheduledExecutorService scheduler;
  private Instant nextPurge;
  private Instant nextOrphanSweep;
  private final Set<String> unsweepable = new HashSet<>();
  private boolean closed;

  public DueWorkRunner(LeaseEngine engine, EngineSettings settings) {
    this.engine = engine;
    this.settings = settings;
    this.workers = settings.parallelism() == 1
        ? null
        : Executors.newFixedThreadPool(settings.parallelism(), threads("dynsecret-worker"));
  }

  public synchronized void start() {
    if (closed) {
      throw new IllegalStateException("the lease manager is closed");
    }
    if (scheduler != null) {
      return;
    }
    scheduler = Executors.newSingleThreadScheduledExecutor(threads("dynsecret-due-work"));
    long millis = settings.pollInterval().toMillis();
    scheduler.scheduleWithFixedDelay(this::backgroundPass, 0, millis, TimeUnit.MILLISECONDS);
    log.info("Started background lease work on node {} (every {})", settings.nodeId(),
        Durations.format(settings.pollInterval()));
  }

  public int processDueNow() {
    return engine.processDue(this::runAll);
  }

  private void backgroundPass() {
    try {
      processDueNow();
      Instant now = settings.clock().instant();
      if (nextPurge == null || !now.isBefore(nextPurge)) {
        nextPurge = now.plus(PURGE_INTERVAL);
        engine.purgeHistory();
      }
      if (settings.sweepsOrphans() && (nextOrphanSweep == null || !now.isBefore(nextOrphanSweep))) {
        nextOrphanSweep = now.plus(settings.orphanSweepInterval());
        sweepOrphans();
      }
    } catch (RuntimeException e) {
      // Most likely the store is unavailable. Nothing is lost: due leases stay due.
      log.warn("Background lease work failed, will try again in {}: {}",
          Durations.format(settings.pollInterval()), e.toString());
    }
  }

  private void sweepOrphans() {
    for (OrphanSweepReport report : engine.sweepOrphansOfEverySecret()) {
      if (!report.supported() && unsweepable.add(report.secretName())) {
        log.info("Orphan sweep skips dynamic secret '{}': {}", report.secretName(),
            report.message());
      }
    }
  }

  private void runAll(Collection<Lease> leases, Consumer<Lease> work) {
    if (workers == null || leases.size() == 1) {
      leases.forEach(work);
      return;
    }
    List<CompletableFuture<Void>> futures = new ArrayList<>(leases.size());
    for (Lease lease : leases) {
      futures.add(CompletableFuture.runAsync(() -> work.accept(lease), workers));
    }
    CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (scheduler != null) {
      scheduler.shutdown();
      awaitQuietly(scheduler);
    }
    if (workers != null) {
      workers.shutdown();
      awaitQuietly(workers);
    }
  }

  private static void awaitQuietly(ExecutorService executor) {
    try {
      if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  private static ThreadFactory threads(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
