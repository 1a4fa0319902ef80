package dev.dynsecret;

import java.util.List;

/**
 * Some leases of a bulk revocation ({@link LeaseManager#revokeAll}, {@link LeaseManager#remove})
 * could not be revoked now; the others were. The failed ones keep their recorded failure and are
 * retried by background work like any other failed revocation.
 */
public class PartialRevocationException extends DynamicSecretException {
  private static final long serialVersionUID = 1L;

  /** The dynamic secret whose leases were revoked. */
  private final String secretName;
  /** How many leases the bulk revocation went through. */
  private final int total;
  /** The ids of the leases not revoked yet. */
  private final List<String> failedLeaseIds;

  /**
   * With a message naming the secret and how many of its leases were not revoked.
   *
   * @param message names the secret and how many failed (never secrets)
   * @param secretName the dynamic secret whose leases were revoked
   * @param total how many leases the bulk revocation went through
   * @param failedLeaseIds the ids of those not revoked
   */
  public PartialRevocationException(String message, String secretName, int total,
      List<String> failedLeaseIds) {
    super(message);
    this.secretName = secretName;
    this.total = total;
    this.failedLeaseIds = List.copyOf(failedLeaseIds);
  }

  /** {@return the dynamic secret whose leases were revoked} */
  public String secretName() {
    return secretName;
  }

  /** {@return how many leases the bulk revocation went through, revoked or not} */
  public int total() {
    return total;
  }

  /** {@return the ids of the leases that are not revoked yet} */
  public List<String> failedLeaseIds() {
    return failedLeaseIds;
  }
}
