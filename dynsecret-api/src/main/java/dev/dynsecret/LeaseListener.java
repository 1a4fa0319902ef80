package dev.dynsecret;

import java.time.Duration;

/**
 * Hears every step of every lease's life. Override only the methods you need; each default does
 * nothing. Listeners are called on the thread that did the work, after the step is stored; one
 * that throws is logged and ignored, and never changes what the engine does. Leases carry no secret
 * data, so listeners never see any.
 */
public interface LeaseListener {
  /**
   * A lease was created and is active.
   *
   * @param lease the lease, as stored after the step
   */
  default void created(Lease lease) {}

  /**
   * A lease's expiry was moved.
   *
   * @param lease the lease, as stored after the step
   */
  default void renewed(Lease lease) {}

  /**
   * A lease was revoked by a caller, forced, or because its secret was removed; see {@link
   * Lease#revokeReason()}.
   *
   * @param lease the lease, as stored after the step
   */
  default void revoked(Lease lease) {}

  /**
   * A lease's TTL ran out and its credential was deleted.
   *
   * @param lease the lease, as stored after the step
   */
  default void expired(Lease lease) {}

  /**
   * An attempt to delete a lease's credential failed and will be tried again at {@link
   * Lease#nextAttemptAt()}.
   *
   * @param lease the lease, as stored after the step
   */
  default void revocationRetryScheduled(Lease lease) {}

  /**
   * Revocation ran out of attempts or failed definitively; the lease needs an operator.
   *
   * @param lease the lease, as stored after the step
   */
  default void revocationFailed(Lease lease) {}

  /**
   * A lease whose create did not complete was cleaned up: any credential made for it was deleted.
   *
   * @param lease the lease, as stored after the step
   */
  default void reconciled(Lease lease) {}

  /**
   * The orphan sweep deleted a credential that no lease tracked (its lease was missing or
   * already revoked); see {@link LeaseManager#sweepOrphans(String, boolean)}.
   *
   * @param secretName the dynamic secret whose provider made the credential
   * @param credential the deleted credential: lease id, external id and name, nothing secret
   */
  default void orphanDeleted(String secretName, ListedCredential credential) {}

  /**
   * A provider reported that its external system asked callers to slow down: every call to
   * {@code target} waits {@code wait} before it is sent. Heard once per episode, not per call.
   *
   * @param secretName the dynamic secret whose call was told to slow down
   * @param target where the calls go, as the provider names it (nothing secret)
   * @param wait how long calls to the target are held back
   */
  default void providerThrottled(String secretName, String target, Duration wait) {}
}
