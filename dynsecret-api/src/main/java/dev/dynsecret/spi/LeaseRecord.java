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

  /** Checks that required components are present; copies metadata. */
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

  /** The lease as users see it: this record without the engine's bookkeeping. */
  public Lease toLease() {
    return new Lease(id, secretName, externalId, state, createdAt, expiresAt, hardLimitAt,
        renewedAt, revokedAt, revokeReason, revocationAttempts, nextAttemptAt, lastError,
        metadata);
  }

  /** Whether revocation was asked for but the credential is not yet confirmed gone. */
  public boolean revocationPending() {
    return state == LeaseState.ACTIVE && revokeReason != null;
  }

  /** Whether the credential is live and usable at {@code now}. */
  public boolean isLiveAt(Instant now) {
    return state == LeaseState.ACTIVE && revokeReason == null && expiresAt.isAfter(now);
  }

  /** A builder preloaded with this lease's values, to derive a changed copy. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** A builder for a new lease; id, secret name, state and the three times are required. */
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

    /** Sets {@link LeaseRecord#id()}. */
    public Builder id(String id) { this.id = id; return this; }
    /** Sets {@link LeaseRecord#secretName()}. */
    public Builder secretName(String secretName) { this.secretName = secretName; return this; }
    /** Sets {@link LeaseRecord#externalId()}. */
    public Builder externalId(@Nullable String externalId) { this.externalId = externalId; return this; }
    /** Sets {@link LeaseRecord#state()}. */
    public Builder state(LeaseState state) { this.state = state; return this; }
    /** Sets {@link LeaseRecord#createdAt()}. */
    public Builder createdAt(Instant createdAt) { this.createdAt = createdAt; return this; }
    /** Sets {@link LeaseRecord#expiresAt()}. */
    public Builder expiresAt(Instant expiresAt) { this.expiresAt = expiresAt; return this; }
    /** Sets {@link LeaseRecord#hardLimitAt()}. */
    public Builder hardLimitAt(Instant hardLimitAt) { this.hardLimitAt = hardLimitAt; return this; }
    /** Sets {@link LeaseRecord#renewedAt()}. */
    public Builder renewedAt(@Nullable Instant renewedAt) { this.renewedAt = renewedAt; return this; }
    /** Sets {@link LeaseRecord#revokedAt()}. */
    public Builder revokedAt(@Nullable Instant revokedAt) { this.revokedAt = revokedAt; return this; }
    /** Sets {@link LeaseRecord#revokeReason()}. */
    public Builder revokeReason(@Nullable RevokeReason reason) { this.revokeReason = reason; return this; }
    /** Sets {@link LeaseRecord#revokedBy()}. */
    public Builder revokedBy(@Nullable String revokedBy) { this.revokedBy = revokedBy; return this; }
    /** Sets {@link LeaseRecord#revocationAttempts()}. */
    public Builder revocationAttempts(int attempts) { this.revocationAttempts = attempts; return this; }
    /** Sets {@link LeaseRecord#nextAttemptAt()}. */
    public Builder nextAttemptAt(@Nullable Instant nextAttemptAt) { this.nextAttemptAt = nextAttemptAt; return this; }
    /** Sets {@link LeaseRecord#lastError()}. */
    public Builder lastError(@Nullable String lastError) { this.lastError = lastError; return this; }
    /** Sets {@link LeaseRecord#metadata()}. */
    public Builder metadata(Map<String, String> metadata) { this.metadata = metadata; return this; }
    /** Sets {@link LeaseRecord#version()}. */
    public Builder version(long version) { this.version = version; return this; }
    /** Sets {@link LeaseRecord#dueAt()}. */
    public Builder dueAt(@Nullable Instant dueAt) { this.dueAt = dueAt; return this; }
    /** Sets {@link LeaseRecord#claimedBy()}. */
    public Builder claimedBy(@Nullable String claimedBy) { this.claimedBy = claimedBy; return this; }

    /** Builds the lease; throws {@link NullPointerException} naming a missing required field. */
    public LeaseRecord build() {
      return new LeaseRecord(id, secretName, externalId, state, createdAt, expiresAt, hardLimitAt,
          renewedAt, revokedAt, revokeReason, revokedBy, revocationAttempts, nextAttemptAt,
          lastError, metadata, version, dueAt, claimedBy);
    }
  }
}
