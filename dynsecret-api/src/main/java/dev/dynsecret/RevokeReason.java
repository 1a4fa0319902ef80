package dev.dynsecret;

/** Why a lease was, or is being, revoked. */
public enum RevokeReason {
  /** A caller asked for it through {@link LeaseManager#revoke}. */
  MANUAL,
  /** Its TTL ran out. */
  EXPIRED,
  /** {@link LeaseManager#forceRevoke}: marked revoked even if the provider could not confirm. */
  FORCED,
  /** Its dynamic secret was removed. */
  SECRET_REMOVED,
  /**
   * Its create never completed (the provider failed, or the process died in between); any
   * credential the provider made for it was looked up by name and deleted.
   */
  CREATE_FAILED
}
