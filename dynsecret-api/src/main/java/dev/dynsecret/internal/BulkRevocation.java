package dev.dynsecret.internal;

import dev.dynsecret.DynamicSecretException;
import dev.dynsecret.LeaseQuery;
import dev.dynsecret.LeaseState;
import dev.dynsecret.PartialRevocationException;
import dev.dynsecret.RevokeReason;
import dev.dynsecret.spi.LeaseRecord;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Revoking every unfinished lease of a secret: {@code revokeAll}, and removing the secret. */
public final class BulkRevocation {
  private static final Logger log = LoggerFactory.getLogger(BulkRevocation.class);

  /** States whose leases may still hold a live credential. */
  private static final Set<LeaseState> UNFINISHED =
      EnumSet.of(LeaseState.PENDING, LeaseState.ACTIVE, LeaseState.REVOCATION_FAILED);

  private final SecretRegistry secrets;
  private final LeaseReads reads;
  private final Revocation revocation;

  public BulkRevocation(SecretRegistry secrets, LeaseReads reads, Revocation revocation) {
    this.secrets = secrets;
    this.reads = reads;
    this.revocation = revocation;
  }

  public int revokeAll(String secretName) {
    secrets.require(secretName);
    Outcome outcome = revokeEach(secretName, RevokeReason.MANUAL, false);
    if (!outcome.failed().isEmpty()) {
      throw outcome.partial(" could not be revoked now and will be retried");
    }
    return outcome.total();
  }

  /**
   * Revokes every unfinished lease of the secret, then unregisters it. Without {@code force}, a
   * lease that cannot be revoked keeps the secret registered (so its retries can go on) and the
   * call fails; with {@code force}, such leases are marked revoked anyway.
   */
  public void remove(String name, boolean force) {
    BoundSecret bound = secrets.require(name);
    Outcome outcome = revokeEach(name, RevokeReason.SECRET_REMOVED, force);
    if (!outcome.failed().isEmpty() && !force) {
      throw outcome.partial(" could not be revoked; the secret stays registered so their"
          + " revocation is retried. Remove it with force to mark them revoked anyway");
    }
    secrets.unregister(bound);
    log.info("Removed dynamic secret '{}' ({} leases revoked{})", name, outcome.total(),
        force && outcome.forced() > 0 ? ", " + outcome.forced() + " of them forced" : "");
  }

  private record Outcome(String secretName, int total, List<String> failed, int forced,
      String lastError) {
    PartialRevocationException partial(String consequence) {
      List<String> shown = failed.size() <= 10 ? failed : failed.subList(0, 10);
      return new PartialRevocationException(failed.size() + " of " + total
          + " leases of dynamic secret '" + secretName + "'" + consequence + " (failed: " + shown
          + (failed.size() > shown.size() ? " and " + (failed.size() - shown.size()) + " more" : "")
          + "; last error: " + lastError + ")", secretName, total, failed);
    }
  }

  private Outcome revokeEach(String secretName, RevokeReason reason, boolean force) {
    List<String> failed = new ArrayList<>();
    List<String> forced = new ArrayList<>();
    int[] total = new int[1];
    String[] lastError = new String[1];
    reads.forEach(LeaseQuery.bySecret(secretName, LeaseReads.PAGE_SIZE).withStates(UNFINISHED),
        lease -> {
          total[0]++;
          String error;
          try {
            LeaseRecord result = revocation.revoke(lease.id(), reason);
            if (result.state() == LeaseState.REVOKED) {
              return;
            }
            error = "lease " + lease.id() + " is still being revoked by another worker";
          } catch (DynamicSecretException e) {
            error = e.getMessage();
          }
          lastError[0] = error;
          if (force) {
            revocation.forceRevoke(lease.id(), reason, error);
            forced.add(lease.id());
          } else {
            failed.add(lease.id());
          }
        });
    return new Outcome(secretName, total[0], failed, forced.size(), lastError[0]);
  }
}
