package dev.dynsecret.internal;

import dev.dynsecret.LeaseQuery;
import dev.dynsecret.LeaseState;
import dev.dynsecret.ListedCredential;
import dev.dynsecret.NotFoundException;
import dev.dynsecret.OrphanSweepReport;
import dev.dynsecret.spi.CredentialListing;
import dev.dynsecret.spi.CredentialRef;
import dev.dynsecret.spi.LeaseRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finding credentials a provider made that no lease tracks, and deleting them; and reporting
 * active leases whose credential was deleted outside dynsecret.
 *
 * <p>A credential whose lease is pending is never an orphan: its create is in flight, or
 * reconciliation owns it. A credential with no lease at all cannot come from a create in flight
 * either, since the lease is stored before the provider is called; it is still left alone while
 * its lease id (which carries its creation time) is younger than the pending grace period, in
 * case the store shows the new lease late (a replica, a clock skew between nodes).
 */
public final class OrphanSweep {
  private static final Logger log = LoggerFactory.getLogger(OrphanSweep.class);

  private final EngineSettings settings;
  private final SecretRegistry secrets;
  private final LeaseReads reads;

  public OrphanSweep(EngineSettings settings, SecretRegistry secrets, LeaseReads reads) {
    this.settings = settings;
    this.secrets = secrets;
    this.reads = reads;
  }

  public OrphanSweepReport sweep(String secretName, boolean dryRun) {
    BoundSecret bound = secrets.require(secretName);
    Optional<CredentialListing> listing = bound.connection().listing();
    if (listing.isEmpty()) {
      return OrphanSweepReport.unsupported(secretName, dryRun, "the provider of dynamic secret '"
          + secretName + "' (" + bound.definition().providerType()
          + ") cannot list its credentials");
    }
    Instant listingStarted = settings.clock().instant();
    List<ListedCredential> listed = listing.get().list();
    Instant now = settings.clock().instant();
    int tracked = 0;
    int tooYoung = 0;
    int undated = 0;
    int deleted = 0;
    int failed = 0;
    String lastError = null;
    List<ListedCredential> orphans = new ArrayList<>();
    for (ListedCredential credential : listed) {
      Optional<LeaseRecord> lease = settings.store().find(credential.leaseId());
      if (lease.isPresent() && lease.get().state() != LeaseState.REVOKED) {
        tracked++;
        continue;
      }
      Optional<Instant> born = LeaseIds.createdAt(credential.leaseId());
      if (lease.isEmpty() && born.isEmpty()) {
        undated++; // not an id this engine issued: its age, and so its safety, is unknown
        continue;
      }
      if (lease.isEmpty() && born.get().plus(settings.pendingGrace()).isAfter(now)) {
        tooYoung++;
        continue;
      }
      orphans.add(credential);
      if (dryRun) {
        continue;
      }
      try {
        bound.connection().revoke(new CredentialRef(credential.leaseId(), secretName,
            credential.externalId(), lease.map(LeaseRecord::metadata).orElse(Map.of())));
        deleted++;
        log.info("Deleted orphaned credential {} (id {}) of '{}': {}", credential.name(),
            credential.externalId(), secretName,
            lease.isPresent() ? "its lease " + credential.leaseId() + " is revoked"
                : "no lease " + credential.leaseId() + " is stored");
        settings.listeners().fire("orphanDeleted", credential.name(),
            listener -> listener.orphanDeleted(secretName, credential));
      } catch (RuntimeException e) {
        failed++;
        lastError = Failures.describe(e);
        log.warn("Could not delete orphaned credential {} of '{}': {}", credential.name(),
            secretName, lastError);
      }
    }
    List<String> vanished = activeWithoutCredential(secretName, listed, listingStarted);
    OrphanSweepReport report = new OrphanSweepReport(secretName, true, dryRun, listed.size(),
        tracked, tooYoung, undated, orphans, deleted, failed, lastError, vanished);
    if (!orphans.isEmpty()) {
      log.info("Orphan sweep of '{}' ({}): {} listed, {} orphaned, {} deleted, {} failed",
          secretName, dryRun ? "dry run" : "deleting", listed.size(), orphans.size(), deleted,
          failed);
    }
    if (!vanished.isEmpty()) {
      log.warn("Orphan sweep of '{}': {} active lease(s) whose credential the provider no longer"
          + " lists, deleted outside dynsecret; their secrets no longer work: {}", secretName,
          vanished.size(), vanished.size() <= 10 ? vanished
              : vanished.subList(0, 10) + " and " + (vanished.size() - 10) + " more");
    }
    return report;
  }

  /**
   * The active leases of {@code secretName} whose credential is not among {@code listed}. Only
   * leases created a pending grace period before the listing started are judged: an older
   * create has finished (or been reconciled), so its credential existed before the listing and
   * would have been listed. Leases being revoked are left out: their credential may be gone
   * already, by this library's own hand.
   */
  private List<String> activeWithoutCredential(String secretName, List<ListedCredential> listed,
      Instant listingStarted) {
    Set<String> listedLeases = new HashSet<>();
    listed.forEach(credential -> listedLeases.add(credential.leaseId()));
    Instant judgedBefore = listingStarted.minus(settings.pendingGrace());
    List<String> vanished = new ArrayList<>();
    reads.forEach(LeaseQuery.bySecret(secretName, LeaseReads.PAGE_SIZE)
        .withStates(EnumSet.of(LeaseState.ACTIVE)), lease -> {
          if (!lease.revocationPending() && lease.createdAt().isBefore(judgedBefore)
              && !listedLeases.contains(lease.id())) {
            vanished.add(lease.id());
          }
        });
    return vanished;
  }

  /** Sweeps every registered secret; one secret's failure stops none. */
  public List<OrphanSweepReport> sweepEverySecret() {
    List<OrphanSweepReport> reports = new ArrayList<>();
    for (String name : secrets.names()) {
      try {
        reports.add(sweep(name, false));
      } catch (NotFoundException removedMeanwhile) {
        // Unregistered since the names were read: nothing to sweep.
      } catch (RuntimeException e) {
        log.warn("Orphan sweep of '{}' failed, will try again next time: {}", name, e.toString());
      }
    }
    return reports;
  }
}
