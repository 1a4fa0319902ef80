package dev.dynsecret;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One generated credential and its lifetime, as {@link LeaseManager} reports it. A lease never
 * holds secret data: only what is needed to find, renew and revoke the credential, and the history
 * of what happened to it. It is a snapshot; ask the manager again for the current state.
 *
 * @param id unique id, time-ordered, lowercase letters, digits and {@code -}
 * @param secretName the dynamic secret the lease belongs to
 * @param externalId the provider's id for the credential; null while {@link LeaseState#PENDING}
 * @param state where the lease is in its life
 * @param createdAt when the lease was recorded
 * @param expiresAt when its TTL runs out
 * @param hardLimitAt {@code createdAt + maxTtl}: no renewal reaches past it
 * @param renewedAt the last renewal, or null
 * @param revokedAt when it became {@link LeaseState#REVOKED}, or null
 * @param revokeReason why revocation was asked for, or null while none was
 * @param revocationAttempts failed revocation attempts so far
 * @param nextAttemptAt when the next revocation attempt is due, or null
 * @param lastError the last failure, as text without secrets, or null
 * @param metadata non-secret details the provider recorded (for example the credential name)
 */
public record Lease(
    String id,
    String secretName,
    @Nullable String externalId,
    LeaseState state,
    Instant createdAt,
    Instant expiresAt,
    Instant hardLimitAt,
    @Nullable Instant renewedAt,
    @Nullable Instant revokedAt,
    @Nullable RevokeReason revokeReason,
    int revocationAttempts,
    @Nullable Instant nextAttemptAt,
    @Nullable String lastError,
    Map<String, String> metadata) {

  /**
   * Checks that required components are present; copies metadata.
   *
   * @param id unique id, time-ordered, lowercase letters, digits and {@code -}
   * @param secretName the dynamic secret the lease belongs to
   * @param externalId the provider's id for the credential; null while {@link LeaseState#PENDING}
   * @param state where the lease is in its life
   * @param createdAt when the lease was recorded
   * @param expiresAt when its TTL runs out
   * @param hardLimitAt {@code createdAt + maxTtl}: no renewal reaches past it
   * @param renewedAt the last renewal, or null
   * @param revokedAt when it became {@link LeaseState#REVOKED}, or null
   * @param revokeReason why revocation was asked for, or null while none was
   * @param revocationAttempts failed revocation attempts so far
   * @param nextAttemptAt when the next revocation attempt is due, or null
   * @param lastError the last failure, as text without secrets, or null
   * @param metadata non-secret details the provider recorded (for example the credential name)
   */
  public Lease {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(secretName, "secretName");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(expiresAt, "expiresAt");
    Objects.requireNonNull(hardLimitAt, "hardLimitAt");
    metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
  }

  /** {@return whether revocation was asked for but the credential is not yet confirmed gone} */
  public boolean revocationPending() {
    return state == LeaseState.ACTIVE && revokeReason != null;
  }

  /**
   * {@return whether the credential is live and usable at {@code now}}
   *
   * @param now the time to judge at
   */
  public boolean isLiveAt(Instant now) {
    return state == LeaseState.ACTIVE && revokeReason == null && expiresAt.isAfter(now);
  }
}
