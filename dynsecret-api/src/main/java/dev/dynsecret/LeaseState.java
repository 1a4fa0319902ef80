package dev.dynsecret;

/** Where a lease is in its life. */
public enum LeaseState {
  /**
   * The lease is recorded and the provider has been asked for a credential, but has not yet
   * confirmed it. A pending lease that stays pending past the grace period (its creator died) is
   * reconciled: its credential is looked up by its deterministic name and deleted.
   */
  PENDING,
  /**
   * The credential exists and the lease tracks it. If {@link Lease#revocationPending()} is true a
   * revocation has been asked for and is being attempted or retried.
   */
  ACTIVE,
  /** The credential is gone (or was force-revoked). The lease stays as history until purged. */
  REVOKED,
  /**
   * Revocation ran out of attempts or failed definitively. The credential may still work; an
   * operator retries with {@link LeaseManager#revoke} or gives up with {@link
   * LeaseManager#forceRevoke}.
   */
  REVOCATION_FAILED;

  /** {@return whether nothing more will happen to the lease on its own} */
  public boolean isTerminal() {
    return this == REVOKED || this == REVOCATION_FAILED;
  }
}
