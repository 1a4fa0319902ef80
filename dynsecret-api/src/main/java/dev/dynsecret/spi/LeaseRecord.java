package dev.dynsecret.spi;

import dev.dynsecret.Lease;
import dev.dynsecret.LeaseState;
import dev.dynsecret.RevokeReason;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A lease as a {@link LeaseStore} keeps it: the user-visible {@link Lease} plus the engine's
 * bookkeeping (version, scheduling key, claim, the node that finished revocation). Stores persist
 * every component and give it back unchanged; only the engine interprets them. Users never see
 * this type: {@link #toLease()} is what the API hands out.
 *
 * <p>Records are immutable; every change is a new {@code LeaseRecord} written with a
 * compare-and-set on {@link #version()}. Named state transitions live in the engine, not here.
 *
 * <p><b>Evolution:</b> a component the engine needs later is added here (and to the stores' schema
 * in the same release), never to {@link Lease}; store authors should build records with {@link
 * #builder()} rather than the canonical constructor, which grows with each such component.
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
 * @param revokedBy the node that finished the revocation, or null
 * @param revocationAttempts failed revocation attempts so far
 * @param nextAttemptAt when the next revocation attempt is due, or null
 * @param lastError the last failure, as text without secrets, or null
 * @param metadata non-secret details the provider recorded (for example the credential name)
 * @param version incremented by the store on every write
 * @param dueAt when the engine next has work to do on this lease (expiry, a retry, reconciling a
 *     pending create, or the end of a claim), or null when nothing is left to do
 * @param claimedBy the node working on this lease now, or null; a claim lasts until {@code dueAt}
 */
public record LeaseRecord(
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
    @Nullable String revokedBy,
    int revocationAttempts,
    @Nullable Instant nextAttemptAt,
    @Nullable String lastError,
    Map<String, String> metadata,
    long version,
    @Nullable Instant dueAt,
    @Nullable String claimedBy) {

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
   * @param revokedBy the node that finished the revocation, or null
   * @param revocationAttempts failed revocation attempts so far
   * @param nextAttemptAt when the next revocation attempt is due, or null
   * @param lastError the last failure, as text without secrets, or null
   * @param metadata non-secret details the provider recorded (for example the credential name)
   * @param version incremented by the store on every write
   * @param dueAt when the engine next has work to do on this lease (expiry, a retry, reconciling a
   *     pending create, or the end of a claim), or null when nothing is left to do
   * @param claimedBy the node working on this lease now, or null; a claim lasts until {@code dueAt}
   */
  public LeaseRecord {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(secretName, "secretName");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(expiresAt, "expiresAt");
    Objects.requireNonNull(hardLimitAt, "hardLimitAt");
    metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    if (revocationAttempts < 0) {
      throw new IllegalArgumentException("revocationAttempts must not be negative");
    }
  }

  /** {@return the lease as users see it: this record without the engine's bookkeeping} */
  public Lease toLease() {
    return new Lease(id, secretName, externalId, state, createdAt, expiresAt, hardLimitAt,
        renewedAt, revokedAt, revokeReason, revocationAttempts, nextAttemptAt, lastError,
        metadata);
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

  /** {@return a builder preloaded with this lease's values, to derive a changed copy} */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * {@return a builder for a new lease; id, secret name, state and the three times are required}
   */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds {@link LeaseRecord}s; obtained from {@link LeaseRecord#builder()} or {@link LeaseRecord#toBuilder()}. */
  public static final class Builder {
    private @Nullable String id;
    private @Nullable String secretName;
    private @Nullable String externalId;
    private @Nullable LeaseState state;
    private @Nullable Instant createdAt;
    private @Nullable Instant expiresAt;
    private @Nullable Instant hardLimitAt;
    private @Nullable Instant renewedAt;
    private @Nullable Instant revokedAt;
    private @Nullable RevokeReason revokeReason;
    private @Nullable String revokedBy;
    private int revocationAttempts;
    private @Nullable Instant nextAttemptAt;
    private @Nullable String lastError;
    private Map<String, String> metadata = Map.of();
    private long version;
    private @Nullable Instant dueAt;
    private @Nullable String claimedBy;

    private Builder() {}

    private Builder(LeaseRecord l) {
      id = l.id;
      secretName = l.secretName;
      externalId = l.externalId;
      state = l.state;
      createdAt = l.createdAt;
      expiresAt = l.expiresAt;
      hardLimitAt = l.hardLimitAt;
      renewedAt = l.renewedAt;
      revokedAt = l.revokedAt;
      revokeReason = l.revokeReason;
      revokedBy = l.revokedBy;
      revocationAttempts = l.revocationAttempts;
      nextAttemptAt = l.nextAttemptAt;
      lastError = l.lastError;
      metadata = l.metadata;
      version = l.version;
      dueAt = l.dueAt;
      claimedBy = l.claimedBy;
    }

    /**
     * Sets {@link LeaseRecord#id()}.
     *
     * @param id its id
     * @return this builder
     */
    public Builder id(String id) { this.id = id; return this; }
    /**
     * Sets {@link LeaseRecord#secretName()}.
     *
     * @param secretName the dynamic secret's name
     * @return this builder
     */
    public Builder secretName(String secretName) { this.secretName = secretName; return this; }
    /**
     * Sets {@link LeaseRecord#externalId()}.
     *
     * @param externalId the provider's id for the credential; null while {@link LeaseState#PENDING}
     * @return this builder
     */
    public Builder externalId(@Nullable String externalId) { this.externalId = externalId; return this; }
    /**
     * Sets {@link LeaseRecord#state()}.
     *
     * @param state where the lease is in its life
     * @return this builder
     */
    public Builder state(LeaseState state) { this.state = state; return this; }
    /**
     * Sets {@link LeaseRecord#createdAt()}.
     *
     * @param createdAt when the lease was recorded
     * @return this builder
     */
    public Builder createdAt(Instant createdAt) { this.createdAt = createdAt; return this; }
    /**
     * Sets {@link LeaseRecord#expiresAt()}.
     *
     * @param expiresAt when its TTL runs out
     * @return this builder
     */
    public Builder expiresAt(Instant expiresAt) { this.expiresAt = expiresAt; return this; }
    /**
     * Sets {@link LeaseRecord#hardLimitAt()}.
     *
     * @param hardLimitAt {@code createdAt + maxTtl}: no renewal reaches past it
     * @return this builder
     */
    public Builder hardLimitAt(Instant hardLimitAt) { this.hardLimitAt = hardLimitAt; return this; }
    /**
     * Sets {@link LeaseRecord#renewedAt()}.
     *
     * @param renewedAt the last renewal, or null
     * @return this builder
     */
    public Builder renewedAt(@Nullable Instant renewedAt) { this.renewedAt = renewedAt; return this; }
    /**
     * Sets {@link LeaseRecord#revokedAt()}.
     *
     * @param revokedAt when it became {@link LeaseState#REVOKED}, or null
     * @return this builder
     */
    public Builder revokedAt(@Nullable Instant revokedAt) { this.revokedAt = revokedAt; return this; }
    /**
     * Sets {@link LeaseRecord#revokeReason()}.
     *
     * @param reason why the lease was revoked, or null
     * @return this builder
     */
    public Builder revokeReason(@Nullable RevokeReason reason) { this.revokeReason = reason; return this; }
    /**
     * Sets {@link LeaseRecord#revokedBy()}.
     *
     * @param revokedBy the node that finished the revocation, or null
     * @return this builder
     */
    public Builder revokedBy(@Nullable String revokedBy) { this.revokedBy = revokedBy; return this; }
    /**
     * Sets {@link LeaseRecord#revocationAttempts()}.
     *
     * @param attempts how many revocation attempts have failed
     * @return this builder
     */
    public Builder revocationAttempts(int attempts) { this.revocationAttempts = attempts; return this; }
    /**
     * Sets {@link LeaseRecord#nextAttemptAt()}.
     *
     * @param nextAttemptAt when the next revocation attempt is due, or null
     * @return this builder
     */
    public Builder nextAttemptAt(@Nullable Instant nextAttemptAt) { this.nextAttemptAt = nextAttemptAt; return this; }
    /**
     * Sets {@link LeaseRecord#lastError()}.
     *
     * @param lastError the last failure, as text without secrets, or null
     * @return this builder
     */
    public Builder lastError(@Nullable String lastError) { this.lastError = lastError; return this; }
    /**
     * Sets {@link LeaseRecord#metadata()}.
     *
     * @param metadata non-secret details the provider recorded (for example the credential name)
     * @return this builder
     */
    public Builder metadata(Map<String, String> metadata) { this.metadata = metadata; return this; }
    /**
     * Sets {@link LeaseRecord#version()}.
     *
     * @param version incremented by the store on every write
     * @return this builder
     */
    public Builder version(long version) { this.version = version; return this; }
    /**
     * Sets {@link LeaseRecord#dueAt()}.
     *
     * @param dueAt when the engine next has work to do on this lease (expiry, a retry, reconciling
     *     a pending create, or the end of a claim), or null when nothing is left to do
     * @return this builder
     */
    public Builder dueAt(@Nullable Instant dueAt) { this.dueAt = dueAt; return this; }
    /**
     * Sets {@link LeaseRecord#claimedBy()}.
     *
     * @param claimedBy the node working on this lease now, or null; a claim lasts until {@code
     *     dueAt}
     * @return this builder
     */
    public Builder claimedBy(@Nullable String claimedBy) { this.claimedBy = claimedBy; return this; }

    /**
     * Builds the lease; throws {@link NullPointerException} naming a missing required field.
     *
     * @return the lease record
     */
    public LeaseRecord build() {
      return new LeaseRecord(id, secretName, externalId, state, createdAt, expiresAt, hardLimitAt,
          renewedAt, revokedAt, revokeReason, revokedBy, revocationAttempts, nextAttemptAt,
          lastError, metadata, version, dueAt, claimedBy);
    }
  }
}
