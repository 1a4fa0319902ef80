package dev.dynsecret.internal;

import dev.dynsecret.LeaseState;
import dev.dynsecret.RetryPolicy;
import dev.dynsecret.RevokeReason;
import dev.dynsecret.spi.CreatedCredential;
import dev.dynsecret.spi.LeaseRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Every change the engine makes to a lease, as pure functions from the record as read to the
 * record to write. Nothing here reads a clock, a store or a provider, so each rule of the
 * lifecycle can be checked by calling one function. The version is left as read: the store's
 * compare-and-set increments it.
 */
public final class LeaseTransitions {
  private LeaseTransitions() {}

  /**
   * A new lease, recorded before the provider is asked. The creating node holds it for the
   * pending grace period; if that node dies first, the claim lapses and another node reconciles
   * the lease.
   */
  public static LeaseRecord pending(String id, String secretName, Instant now, Duration ttl,
      Duration maxTtl, String nodeId, Duration pendingGrace) {
    return LeaseRecord.builder()
        .id(id)
        .secretName(secretName)
        .state(LeaseState.PENDING)
        .createdAt(now)
        .expiresAt(now.plus(ttl))
        .hardLimitAt(now.plus(maxTtl))
        .claimedBy(nodeId)
        .dueAt(now.plus(pendingGrace))
        .build();
  }

  /** The provider made the credential: the lease is live until it expires. */
  public static LeaseRecord activated(LeaseRecord pending, CreatedCredential credential) {
    return pending.toBuilder()
        .state(LeaseState.ACTIVE)
        .externalId(credential.externalId())
        .metadata(credential.metadata())
        .claimedBy(null)
        .dueAt(pending.expiresAt())
        .build();
  }

  /** The provider refused the create for good: nothing was made, so the lease is closed. */
  public static LeaseRecord createRefused(LeaseRecord pending, String error, Instant now,
      String nodeId) {
    return pending.toBuilder()
        .state(LeaseState.REVOKED)
        .revokeReason(RevokeReason.CREATE_FAILED)
        .revokedAt(now)
        .revokedBy(nodeId)
        .lastError(error)
        .claimedBy(null)
        .dueAt(null)
        .build();
  }

  /**
   * The create failed in a way that may have left a credential: the lease stays pending and due
   * now, for reconciliation to look the credential up by name and delete it.
   */
  public static LeaseRecord createInDoubt(LeaseRecord pending, String error, Instant now) {
    return pending.toBuilder().lastError(error).claimedBy(null).dueAt(now).build();
  }

  /**
   * The credential was deleted right after its lease could not be recorded active; the caller
   * never got the secret, so the lease is closed as a failed create.
   */
  public static LeaseRecord closedAfterFailedActivation(LeaseRecord current, Instant now,
      String nodeId) {
    return current.toBuilder()
        .state(LeaseState.REVOKED)
        .revokeReason(RevokeReason.CREATE_FAILED)
        .revokedAt(now)
        .revokedBy(nodeId)
        .claimedBy(null)
        .dueAt(null)
        .lastError("could not be recorded as active")
        .build();
  }

  /** A renewal: new expiry, which is also when the lease next falls due. */
  public static LeaseRecord renewed(LeaseRecord lease, Instant newExpiry, Instant now) {
    return lease.toBuilder().expiresAt(newExpiry).renewedAt(now).dueAt(newExpiry).build();
  }

  /**
   * This node takes the lease to revoke it (or to reconcile it, when pending). A lease whose
   * revocation failed for good is an operator's retry: back to pending revocation with a fresh
   * attempt budget. A reason already recorded is kept.
   */
  public static LeaseRecord claimed(LeaseRecord lease, String nodeId, Instant now,
      Duration claimTimeout, @Nullable RevokeReason reason) {
    LeaseRecord.Builder claimed = lease.toBuilder()
        .claimedBy(nodeId)
        .dueAt(now.plus(claimTimeout));
    if (lease.state() == LeaseState.REVOCATION_FAILED) {
      claimed.state(LeaseState.ACTIVE).revocationAttempts(0).nextAttemptAt(null);
    }
    if (lease.revokeReason() == null) {
      claimed.revokeReason(reason);
    }
    return claimed.build();
  }

  /** A claimed lease whose expiry has come: its revocation is asked for as {@code EXPIRED}. */
  public static LeaseRecord expired(LeaseRecord claimed) {
    return claimed.toBuilder().revokeReason(RevokeReason.EXPIRED).build();
  }

  /** The credential is gone. A pending lease reconciled this way counts as a failed create. */
  public static LeaseRecord revoked(LeaseRecord claimed, Instant now, String nodeId) {
    return claimed.toBuilder()
        .state(LeaseState.REVOKED)
        .revokeReason(claimed.revokeReason() == null ? RevokeReason.CREATE_FAILED
            : claimed.revokeReason())
        .revokedAt(now)
        .revokedBy(nodeId)
        .claimedBy(null)
        .dueAt(null)
        .nextAttemptAt(null)
        .build();
  }

  /**
   * A revocation attempt failed. Out of attempts, or refused for good: {@code REVOCATION_FAILED},
   * for an operator. Otherwise the next attempt is scheduled after the policy's backoff, or later
   * if the system asked for a longer wait.
   *
   * @param jitter a random number in [0, 1) spreading retries of many leases apart
   * @param retryAfter how long the system asked to wait, or null
   */
  public static LeaseRecord attemptFailed(LeaseRecord claimed, String error, boolean definitive,
      Instant now, RetryPolicy policy, double jitter, @Nullable Duration retryAfter) {
    int attempts = claimed.revocationAttempts() + 1;
    LeaseRecord.Builder next = claimed.toBuilder()
        .revocationAttempts(attempts)
        .lastError(error)
        .claimedBy(null);
    if (definitive || attempts >= policy.maxAttempts()) {
      return next.state(LeaseState.REVOCATION_FAILED).nextAttemptAt(null).dueAt(null).build();
    }
    Duration delay = policy.delay(attempts, jitter);
    if (retryAfter != null && retryAfter.compareTo(delay) > 0) {
      delay = retryAfter;
    }
    Instant at = now.plus(delay);
    return next.nextAttemptAt(at).dueAt(at).build();
  }

  /**
   * Revoked whatever the provider said; {@code providerError} (null if the provider confirmed the
   * deletion) is kept as the lease's last error.
   */
  public static LeaseRecord forced(LeaseRecord lease, RevokeReason reason, Instant now,
      String nodeId, @Nullable String providerError) {
    return lease.toBuilder()
        .state(LeaseState.REVOKED)
        .revokeReason(reason)
        .revokedAt(now)
        .revokedBy(nodeId)
        .lastError(providerError == null ? lease.lastError()
            : "forced without the provider confirming deletion: " + providerError)
        .claimedBy(null)
        .dueAt(null)
        .nextAttemptAt(null)
        .build();
  }

  /** Hands a claimed lease back, next due at {@code dueAt} (null: nothing left to do). */
  public static LeaseRecord released(LeaseRecord claimed, @Nullable Instant dueAt) {
    return claimed.toBuilder().claimedBy(null).dueAt(dueAt).build();
  }

  /** Whether a worker (on any node) holds the lease at {@code now}. */
  public static boolean claimLive(LeaseRecord lease, Instant now) {
    return lease.claimedBy() != null && lease.dueAt() != null && lease.dueAt().isAfter(now);
  }

  /**
   * Whether {@code current} is {@code written} as stored by this node's compare-and-set: only that
   * write leads from the version this node holds to the next one with these values. Used when a
   * store write went unanswered, to tell a lost answer from a lost write.
   */
  public static boolean writtenAsAsked(LeaseRecord written, LeaseRecord current) {
    return current.version() == written.version() + 1
        && current.state() == written.state()
        && current.revocationAttempts() == written.revocationAttempts()
        && Objects.equals(current.revokedBy(), written.revokedBy())
        && Objects.equals(current.revokeReason(), written.revokeReason())
        && Objects.equals(current.lastError(), written.lastError())
        && Objects.equals(current.claimedBy(), written.claimedBy());
  }
}
