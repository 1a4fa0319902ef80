package dev.dynsecret.internal;

import dev.dynsecret.ConflictException;
import dev.dynsecret.LeaseQuery;
import dev.dynsecret.LeaseState;
import dev.dynsecret.ReconciliationReport;
import dev.dynsecret.spi.LeaseRecord;
import java.time.Instant;
import java.util.EnumSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cleaning up creates that never completed, now: every pending lease whose creator's claim has
 * lapsed is claimed and its credential, if one was made, deleted. Due work does the same for each
 * such lease when it falls due; this does it at once, without waiting for due times or backoff.
 */
public final class Reconciliation {
  private static final Logger log = LoggerFactory.getLogger(Reconciliation.class);

  private final EngineSettings settings;
  private final SecretRegistry secrets;
  private final LeaseReads reads;
  private final Revocation revocation;

  public Reconciliation(EngineSettings settings, SecretRegistry secrets, LeaseReads reads,
      Revocation revocation) {
    this.settings = settings;
    this.secrets = secrets;
    this.reads = reads;
    this.revocation = revocation;
  }

  public ReconciliationReport reconcile() {
    int[] counts = new int[4]; // examined, reconciled, in flight, failed
    reads.forEach(LeaseQuery.all(LeaseReads.PAGE_SIZE).withStates(EnumSet.of(LeaseState.PENDING)),
        lease -> {
          counts[0]++;
          counts[reconcile(lease)]++;
        });
    ReconciliationReport report = new ReconciliationReport(counts[0], counts[1], counts[2], counts[3]);
    if (counts[0] > 0) {
      log.info("Reconciliation on node {}: {}", settings.nodeId(), report);
    }
    return report;
  }

  /** Returns 1 if reconciled, 2 if left alone (in flight), 3 if it failed now. */
  private int reconcile(LeaseRecord lease) {
    Instant now = settings.clock().instant();
    if (LeaseTransitions.claimLive(lease, now)) {
      return 2;
    }
    if (secrets.get(lease.secretName()) == null) {
      log.warn("Pending lease {} belongs to dynamic secret '{}', which is not registered on"
          + " node {}; it cannot be reconciled here", lease.id(), lease.secretName(),
          settings.nodeId());
      return 3;
    }
    LeaseRecord claimed;
    try {
      claimed = settings.store().update(LeaseTransitions.claimed(lease, settings.nodeId(), now,
          settings.claimTimeout(), null));
    } catch (ConflictException lostRace) {
      return 2; // another worker took it (or its create just finished)
    }
    return revocation.attempt(claimed).state() == LeaseState.REVOKED ? 1 : 3;
  }
}
