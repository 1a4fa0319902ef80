package dev.dynsecret;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What {@link LeaseManager#sweepOrphans(String, boolean)} found and did for one dynamic secret.
 * An orphan is a credential the provider made (its name carries a lease id) that no lease tracks:
 * its lease is missing (never stored, lost, or purged from history) or {@link LeaseState#REVOKED}.
 *
 * @param secretName the dynamic secret swept
 * @param supported false if its provider cannot list its credentials; nothing else was done then
 * @param dryRun true if orphans were only reported, not deleted
 * @param listed credentials the provider listed
 * @param tracked listed credentials whose lease is pending, active or awaiting revocation
 * @param tooYoung listed credentials without a lease whose lease id is younger than the pending
 *     grace period; left alone in case their lease is not visible yet
 * @param undated listed credentials without a lease whose lease id carries no creation time (not
 *     an id this library issues); never deleted, since their age cannot be told
 * @param orphans the orphans found
 * @param deleted how many orphans were deleted (0 on a dry run)
 * @param failed how many orphans could not be deleted now
 * @param message why the sweep was unsupported, or the last deletion error; null otherwise
 * @param vanished ids of active leases whose credential the provider no longer lists: deleted
 *     behind the library's back (by hand, or by another tool), so the secret the caller holds no
 *     longer works. Only leases older than the pending grace period when the listing began are
 *     judged. Reported, never changed: such a lease expires or is revoked as usual, and its delete
 *     then finds nothing, which counts as success.
 */
public record OrphanSweepReport(
    String secretName,
    boolean supported,
    boolean dryRun,
    int listed,
    int tracked,
    int tooYoung,
    int undated,
    List<ListedCredential> orphans,
    int deleted,
    int failed,
    @Nullable String message,
    List<String> vanished) {

  /**
   * Copies the lists.
   *
   * @param secretName the dynamic secret swept
   * @param supported false if its provider cannot list its credentials; nothing else was done then
   * @param dryRun true if orphans were only reported, not deleted
   * @param listed credentials the provider listed
   * @param tracked listed credentials whose lease is pending, active or awaiting revocation
   * @param tooYoung listed credentials without a lease whose lease id is younger than the pending
   *     grace period; left alone in case their lease is not visible yet
   * @param undated listed credentials without a lease whose lease id carries no creation time (not
   *     an id this library issues); never deleted, since their age cannot be told
   * @param orphans the orphans found
   * @param deleted how many orphans were deleted (0 on a dry run)
   * @param failed how many orphans could not be deleted now
   * @param message why the sweep was unsupported, or the last deletion error; null otherwise
   * @param vanished ids of active leases whose credential the provider no longer lists: deleted
   *     behind the library's back (by hand, or by another tool), so the secret the caller holds no
   *     longer works. Only leases older than the pending grace period when the listing began are
   *     judged. Reported, never changed: such a lease expires or is revoked as usual, and its
   *     delete then finds nothing, which counts as success.
   */
  public OrphanSweepReport {
    orphans = List.copyOf(orphans);
    vanished = List.copyOf(vanished);
  }

  /**
   * {@return the report for a provider that cannot list its credentials}
   *
   * @param secretName the dynamic secret's name
   * @param dryRun true if orphans were only to be reported, not deleted
   * @param why why the provider cannot list its credentials
   */
  public static OrphanSweepReport unsupported(String secretName, boolean dryRun, String why) {
    return new OrphanSweepReport(secretName, false, dryRun, 0, 0, 0, 0, List.of(), 0, 0, why,
        List.of());
  }
}
