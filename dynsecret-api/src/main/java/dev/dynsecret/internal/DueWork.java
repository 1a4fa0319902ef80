package dev.dynsecret.internal;

import dev.dynsecret.ConflictException;
import dev.dynsecret.spi.LeaseRecord;
import dev.dynsecret.spi.LeaseStore;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
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
   * @return how many leases were worked
   */
  public int process(BatchExecutor executor) {
    int worked = 0;
    while (true) {
      Instant now = settings.clock().instant();
      List<LeaseRecord> claimed =
          store.claimDue(settings.nodeId(), now, settings.claimTimeout(), settings.batchSize());
      if (claimed.isEmpty()) {
        return worked;
      }
      executor.runAll(claimed, lease -> work(lease, now));
      worked += claimed.size();
      if (claimed.size() < settings.batchSize()) {
        return worked;
      }
    }
  }

  private void work(LeaseRecord claimed, Instant now) {
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
    } catch (RuntimeException e) {
      // The store failed: the claim lapses and the lease is worked again later. Nothing is lost.
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
