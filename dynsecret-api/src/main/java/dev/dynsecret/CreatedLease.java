package dev.dynsecret;

import java.util.Objects;

/**
 * The result of {@link LeaseManager#create}: the lease, and the secret data, which is handed out
 * this once and never again (a {@link ManagedCredential} keeps it in memory and hands out its
 * current one from {@link ManagedCredential#current()}). {@link #toString()} does not show the
 * secret data.
 *
 * @param lease the lease as stored, {@link LeaseState#ACTIVE}
 * @param secretData the credential for the caller
 */
public record CreatedLease(Lease lease, SecretData secretData) {
  /**
   * Checks required components and copies collections.
   *
   * @param lease the lease as stored, {@link LeaseState#ACTIVE}
   * @param secretData the credential for the caller
   */
  public CreatedLease {
    Objects.requireNonNull(lease, "lease");
    Objects.requireNonNull(secretData, "secretData");
  }

  @Override
  public String toString() {
    return "CreatedLease[lease=" + lease + ", secretData=" + secretData + "]";
  }
}
