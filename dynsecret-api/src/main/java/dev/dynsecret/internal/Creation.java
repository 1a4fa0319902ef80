package dev.dynsecret.internal;

import static dev.dynsecret.internal.Durations.format;

import dev.dynsecret.CreatedLease;
import dev.dynsecret.DefinitiveProviderException;
import dev.dynsecret.DynamicSecret;
import dev.dynsecret.InvalidTtlException;
import dev.dynsecret.LeaseLimitExceededException;
import dev.dynsecret.LeaseListener;
import dev.dynsecret.LeaseState;
import dev.dynsecret.StoreException;
import dev.dynsecret.TransientProviderException;
import dev.dynsecret.spi.CreatedCredential;
import dev.dynsecret.spi.CredentialRef;
import dev.dynsecret.spi.LeaseRecord;
import dev.dynsecret.spi.LeaseStore;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creating a lease, crash-safe: the lease is recorded {@code PENDING} (within the secret's lease
 * limit) before the provider is asked for a credential named from the lease id, then marked
 * {@code ACTIVE}. Whatever fails in between leaves either nothing or a pending lease that
 * reconciliation cleans up.
 */
public final class Creation {
  private static final Logger log = LoggerFactory.getLogger(Creation.class);

  private static final Set<LeaseState> COUNTED_AGAINST_LIMIT =
      EnumSet.of(LeaseState.PENDING, LeaseState.ACTIVE);

  private final EngineSettings settings;
  private final LeaseStore store;
  private final SecretRegistry secrets;

  public Creation(EngineSettings settings, SecretRegistry secrets) {
    this.settings = settings;
    this.store = settings.store();
    this.secrets = secrets;
  }

  public CreatedLease create(String secretName, @Nullable Duration requestedTtl) {
    BoundSecret bound = secrets.require(secretName);
    DynamicSecret definition = bound.definition();
    Duration ttl = checkTtl(definition, requestedTtl);

    Instant now = settings.clock().instant();
    LeaseRecord pending = LeaseTransitions.pending(LeaseIds.next(settings.clock()), secretName,
        now, ttl, definition.maxTtl(), settings.nodeId(), settings.pendingGrace());
    insertWithinLeaseLimit(definition, pending);

    CreatedCredential credential;
    try {
      credential = bound.connection().create(pending.toLease());
    } catch (RuntimeException e) {
      throw createFailed(pending, e);
    }

    LeaseRecord active = LeaseTransitions.activated(pending, credential);
    LeaseRecord stored;
    try {
      stored = store.update(active);
    } catch (RuntimeException e) {
      throw activationFailed(bound, active, e);
    }
    log.info("Created lease {} of '{}' (expires {})", stored.id(), secretName, stored.expiresAt());
    settings.listeners().fire("created", stored, LeaseListener::created);
    return new CreatedLease(stored.toLease(), credential.secretData());
  }

  /** The TTL to grant: the secret's default when none is asked, never more than its max TTL. */
  static Duration checkTtl(DynamicSecret definition, @Nullable Duration requested) {
    Duration ttl = requested == null ? definition.defaultTtl() : requested;
    requirePositiveTtl(ttl);
    if (ttl.compareTo(definition.maxTtl()) > 0) {
      throw new InvalidTtlException("ttl", "must not exceed the max TTL "
          + format(definition.maxTtl()) + " of dynamic secret '" + definition.name() + "'; was "
          + format(ttl));
    }
    return ttl;
  }

  static void requirePositiveTtl(Duration ttl) {
    if (ttl.isZero() || ttl.isNegative()) {
      throw new InvalidTtlException("ttl", "must be positive; was " + format(ttl));
    }
  }

  /**
   * Records the pending lease, within the definition's lease limit if it has one. The store counts
   * and inserts in one atomic step, so nodes creating at the same instant cannot pass the limit.
   */
  private void insertWithinLeaseLimit(DynamicSecret definition, LeaseRecord pending) {
    if (definition.leaseLimit().isEmpty()) {
      store.insert(pending);
      return;
    }
    int limit = definition.leaseLimit().getAsInt();
    if (!store.insertWithinLimit(pending, COUNTED_AGAINST_LIMIT, limit)) {
      throw new LeaseLimitExceededException("dynamic secret '" + definition.name()
          + "' has reached its lease limit of " + limit + " pending or active leases; revoke a"
          + " lease or raise leaseLimit");
    }
  }

  /**
   * The provider failed to create. A definitive failure made nothing, so the lease is closed at
   * once; after any other failure the credential may exist, so the lease is left pending and due
   * now, for reconciliation to look it up by name and delete it.
   */
  private RuntimeException createFailed(LeaseRecord pending, RuntimeException cause) {
    boolean definitive = cause instanceof DefinitiveProviderException;
    String message = "creating a credential for lease " + pending.id() + " of '"
        + pending.secretName() + "' failed: " + cause.getMessage();
    Instant now = settings.clock().instant();
    String error = Failures.describe(cause);
    LeaseRecord failed = definitive
        ? LeaseTransitions.createRefused(pending, error, now, settings.nodeId())
        : LeaseTransitions.createInDoubt(pending, error, now);
    if (!definitive) {
      message += "; any credential it left behind will be deleted by reconciliation";
    }
    try {
      store.update(failed);
    } catch (RuntimeException storeFailure) {
      // The lease stays pending with its grace-period claim, so reconciliation still finds it.
      log.warn("Could not record the failed create of lease {}: {}", pending.id(),
          storeFailure.getMessage());
    }
    log.warn("Create of lease {} of '{}' failed: {}", pending.id(), pending.secretName(),
        cause.getMessage());
    return definitive
        ? new DefinitiveProviderException(message, cause)
        : new TransientProviderException(message, cause, Failures.retryAfter(cause));
  }

  /** The credential exists but the lease could not be marked active: delete it at once. */
  private RuntimeException activationFailed(BoundSecret bound, LeaseRecord active,
      RuntimeException e) {
    String message = "lease " + active.id() + " of '" + active.secretName()
        + "' could not be recorded as active (" + e.getMessage() + ")";
    try {
      bound.connection().revoke(CredentialRef.of(active.toLease()));
      message += "; its credential was revoked";
      closeAfterFailedActivation(active);
    } catch (RuntimeException revokeFailure) {
      message += "; revoking its credential failed too (" + revokeFailure.getMessage()
          + "), reconciliation will delete it";
    }
    log.warn(message);
    return new StoreException(message, e);
  }

  private void closeAfterFailedActivation(LeaseRecord active) {
    try {
      LeaseRecord current = store.find(active.id()).orElse(null);
      // ACTIVE with this credential: the write took effect and only its answer was lost. The
      // caller got an error and never the secret, and the credential is deleted: close it too.
      boolean writtenAnyway = current != null && current.state() == LeaseState.ACTIVE
          && active.externalId().equals(current.externalId()) && !current.revocationPending();
      if (current != null && (current.state() == LeaseState.PENDING || writtenAnyway)) {
        store.update(LeaseTransitions.closedAfterFailedActivation(current,
            settings.clock().instant(), settings.nodeId()));
      }
    } catch (RuntimeException ignored) {
      // The credential is deleted either way; a lease left pending is closed by reconciliation,
      // one left active by its expiry (whose delete then finds nothing, which is success).
    }
  }
}
