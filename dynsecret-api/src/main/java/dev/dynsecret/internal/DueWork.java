package dev.dynsecret.internal;

import dev.dynsecret.ConflictException;
import dev.dynsecret.StoreException;
import dev.dynsecret.spi.LeaseRecord;
import dev.dynsecret.spi.LeaseStore;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The work that falls due: leases are claimed from the store in batches (so that across nodes
 * each is worked by one node) and each is revoked if it expired or asked to be, retried if a
 * revocation is due again, reconciled if its create never completed, or handed back otherwise.
 * Also purges old history.
 */
public final class DueWork {
  private static final Logger log = LoggerFactory.getLogger(DueWork.class);
  private static final int PURGE_BATCH = 1000;

  private final EngineSettings settings;
  private final LeaseStore store;
  private final Revocation revocation;

  public DueWork(EngineSettings settings, Revocation revocation) {
    this.settings = settings;
    this.store = settings.store();
    this.revocation = revocation;
  }

  /** Runs the work of one batch; implemented inline or on a thread pool, waiting for all of it. */
  @FunctionalInterface
  public interface BatchExecutor {
    void runAll(Collection<LeaseRecord> leases, Consumer<LeaseRecord> work);
  }

  /**
   * Claims due leases batch by batch and works each one, until fewer than a batch are due.
   *
   * <p>A node that cannot write stops acting: first, whatever this node owes the store from an
   * earlier failure is written (if the store still fails, the pass ends there, claiming
   * nothing). Then, once a write fails during a batch, no further provider call is started for
   * that batch: the leases not yet worked are owed back to the store as due now, and the pass
   * ends. Only the calls already in flight finish; their outcomes are owed too.
   *
   * @return how many leases were worked
   * @throws StoreException if the store fails before any lease is claimed
   */
  public int process(BatchExecutor executor) {
    revocation.owed().settle(store);
    int worked = 0;
    while (true) {
      Instant now = settings.clock().instant();
      List<LeaseRecord> claimed =
          store.claimDue(settings.nodeId(), now, settings.claimTimeout(), settings.batchSize());
      if (claimed.isEmpty()) {
        return worked;
      }
      Batch batch = new Batch();
      executor.runAll(claimed, lease -> work(lease, now, batch));
      worked += claimed.size() - batch.stopped.get();
      if (batch.storeFailure.get() != null) {
        log.warn("Lease store failed during due work on node {}: {}; {} of {} claimed leases"
            + " were not worked and are handed back as soon as it answers again; {} write(s)"
            + " owed in all", settings.nodeId(), batch.storeFailure.get().getMessage(),
            batch.stopped.get(), claimed.size(), revocation.owed().size());
        return worked;
      }
      if (claimed.size() < settings.batchSize()) {
        return worked;
      }
    }
  }

  /** One claimed batch: the first store failure in it stops what has not started. */
  private static final class Batch {
    final AtomicReference<StoreException> storeFailure = new AtomicReference<>();
    final AtomicInteger stopped = new AtomicInteger();
  }

  private void work(LeaseRecord claimed, Instant now, Batch batch) {
    if (batch.storeFailure.get() != null) {
      // The store just failed: start no provider call whose outcome could not be recorded.
      revocation.owed().oweIfNone(LeaseTransitions.released(claimed, now));
      batch.stopped.incrementAndGet();
      return;
    }
    try {
      switch (claimed.state()) {
        case PENDING -> revocation.attempt(claimed);
        case ACTIVE -> {
          if (claimed.revokeReason() != null) {
            revocation.attempt(claimed);
          } else if (!claimed.expiresAt().isAfter(now)) {
            revocation.attempt(LeaseTransitions.expired(claimed));
          } else {
            store.update(LeaseTransitions.released(claimed, claimed.expiresAt()));
          }
        }
        case REVOKED, REVOCATION_FAILED -> store.update(LeaseTransitions.released(claimed, null));
      }
    } catch (ConflictException lostRace) {
      log.debug("Lease {} changed while being worked; leaving it to its new owner", claimed.id());
    } catch (StoreException e) {
      batch.storeFailure.compareAndSet(null, e);
      // An outcome not recorded is owed already; otherwise hand the claim back once we can.
      revocation.owed().oweIfNone(LeaseTransitions.released(claimed, now));
      log.debug("Could not finish due work on lease {}: {}", claimed.id(), e.getMessage());
    } catch (RuntimeException e) {
      // Not the store (a lease that vanished, say): the claim lapses and it is worked again later.
      log.warn("Could not finish due work on lease {}: {}", claimed.id(), e.getMessage());
    }
  }

  /** Deletes revoked leases whose history is older than the retention period. */
  public int purgeHistory() {
    Instant cutoff = settings.clock().instant().minus(settings.historyRetention());
    int purged = 0;
    int batch;
    do {
      batch = store.purgeRevokedBefore(cutoff, PURGE_BATCH);
      purged += batch;
    } while (batch == PURGE_BATCH);
    if (purged > 0) {
      log.info("Purged {} revoked leases older than {}", purged, cutoff);
    }
    return purged;
  }
}
