package dev.dynsecret.internal;

import dev.dynsecret.ConflictException;
import dev.dynsecret.DefinitiveProviderException;
import dev.dynsecret.LeaseListener;
import dev.dynsecret.LeaseState;
import dev.dynsecret.LeaseStateException;
import dev.dynsecret.ProviderException;
import dev.dynsecret.RevokeReason;
import dev.dynsecret.StoreException;
import dev.dynsecret.TransientProviderException;
import dev.dynsecret.spi.CredentialLookup;
import dev.dynsecret.spi.CredentialRef;
import dev.dynsecret.spi.LeaseRecord;
import dev.dynsecret.spi.LeaseStore;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deleting credentials and recording the outcome. A credential is deleted only while this node
 * holds the lease's claim, so that across nodes each lease is revoked by one node at a time; every
 * write is a compare-and-set on the lease's version.
 */
public final class Revocation {
  private static final Logger log = LoggerFactory.getLogger(Revocation.class);

  private final EngineSettings settings;
  private final LeaseStore store;
  private final SecretRegistry secrets;
  private final LeaseReads reads;
  private final OwedWrites owed = new OwedWrites();

  public Revocation(EngineSettings settings, SecretRegistry secrets, LeaseReads reads) {
    this.settings = settings;
    this.store = settings.store();
    this.secrets = secrets;
    this.reads = reads;
  }

  private Instant now() {
    return settings.clock().instant();
  }

  /**
   * Claims the lease and deletes its credential. Already revoked: returned as is, with no provider
   * call. Claimed by a worker right now: that worker is revoking it; returned as is, with {@link
   * LeaseRecord#revocationPending()} true. If the provider fails, the failure is recorded on the
   * lease (a retry is scheduled, or the lease becomes {@code REVOCATION_FAILED}) and thrown.
   */
  public LeaseRecord revoke(String leaseId, RevokeReason reason) {
    for (int attempt = 0; attempt < LeaseReads.WRITE_RETRIES; attempt++) {
      LeaseRecord lease = reads.get(leaseId);
      Instant now = now();
      if (lease.state() == LeaseState.REVOKED) {
        return lease;
      }
      if (LeaseTransitions.claimLive(lease, now)) {
        if (lease.state() == LeaseState.PENDING) {
          throw new LeaseStateException("lease " + lease.id() + " is still being created; revoke it"
              + " once create returns, or let reconciliation clean it up", lease.state());
        }
        return lease;
      }
      secrets.require(lease.secretName());
      try {
        LeaseRecord claimed = store.update(LeaseTransitions.claimed(lease, settings.nodeId(), now,
            settings.claimTimeout(), reason));
        LeaseRecord result = attempt(claimed);
        if (result.state() != LeaseState.REVOKED) {
          throw failureOf(result);
        }
        return result;
      } catch (ConflictException lostRace) {
        // Changed meanwhile (claimed by the sweep, renewed, revoked): read again and decide.
      }
    }
    throw new ConflictException("lease " + leaseId + " kept changing while being revoked; try again");
  }

  /** The exception a caller gets for a lease whose revocation did not finish. */
  private static ProviderException failureOf(LeaseRecord lease) {
    String base = "revoking lease " + lease.id() + " failed: " + lease.lastError();
    if (lease.state() == LeaseState.REVOCATION_FAILED) {
      return new DefinitiveProviderException(base + "; the lease is REVOCATION_FAILED and needs an"
          + " operator to retry or force-revoke it");
    }
    return new TransientProviderException(base + "; attempt " + (lease.revocationAttempts() + 1)
        + " is scheduled for " + lease.nextAttemptAt());
  }

  /**
   * Marks the lease revoked whatever the provider says. The provider is still asked to delete
   * the credential (unless {@code knownError} says it already failed); if it cannot, the lease's
   * last error says so.
   */
  public LeaseRecord forceRevoke(String leaseId, RevokeReason reason, @Nullable String knownError) {
    String error = knownError;
    if (error == null) {
      LeaseRecord lease = reads.get(leaseId);
      if (lease.state() == LeaseState.REVOKED) {
        return lease;
      }
      error = tryDelete(lease);
    }
    for (int attempt = 0; attempt < LeaseReads.WRITE_RETRIES; attempt++) {
      LeaseRecord lease = reads.get(leaseId);
      if (lease.state() == LeaseState.REVOKED) {
        return lease;
      }
      try {
        LeaseRecord stored = store.update(
            LeaseTransitions.forced(lease, reason, now(), settings.nodeId(), error));
        log.warn("Force-revoked lease {} of '{}'{}", stored.id(), stored.secretName(),
            error == null ? "" : " although the provider failed: " + error);
        settings.listeners().fire("revoked", stored, LeaseListener::revoked);
        return stored;
      } catch (ConflictException lostRace) {
        // Changed meanwhile: read again.
      }
    }
    throw new ConflictException("lease " + leaseId + " kept changing while being force-revoked");
  }

  /** Asks the provider to delete the credential; returns the failure text, or null on success. */
  private @Nullable String tryDelete(LeaseRecord lease) {
    BoundSecret bound = secrets.get(lease.secretName());
    if (bound == null) {
      return "dynamic secret '" + lease.secretName() + "' is not registered on this node";
    }
    try {
      bound.connection().revoke(CredentialRef.of(lease.toLease()));
      return null;
    } catch (RuntimeException e) {
      return Failures.describe(e);
    }
  }

  /**
   * Deletes the credential of a lease this node has claimed and records the outcome: revoked, a
   * retry scheduled, or out of attempts. Pending leases (a create that never completed) are first
   * looked up by name where the provider can, since their external id was never recorded.
   */
  public LeaseRecord attempt(LeaseRecord claimed) {
    return attempt(claimed, call -> {});
  }

  /**
   * As {@link #attempt(LeaseRecord)}, telling {@code call} how the provider call went (answered,
   * or failed transiently) before the outcome is written; it is not told if no call was made.
   */
  public LeaseRecord attempt(LeaseRecord claimed, Consumer<CallWindow.Outcome> call) {
    BoundSecret bound = secrets.get(claimed.secretName());
    if (bound == null) {
      log.warn("Lease {} needs revoking but dynamic secret '{}' is not registered on node {};"
          + " another node may take it after the claim times out", claimed.id(),
          claimed.secretName(), settings.nodeId());
      return claimed;
    }
    boolean reconciling = claimed.state() == LeaseState.PENDING;
    try {
      CredentialRef credential = CredentialRef.of(claimed.toLease());
      if (reconciling) {
        Optional<CredentialLookup> lookup = bound.connection().lookup();
        if (lookup.isPresent()) {
          Optional<String> found = lookup.get().find(credential);
          if (found.isPresent()) {
            bound.connection().revoke(credential.withExternalId(found.get()));
          }
        } else {
          bound.connection().revoke(credential); // no lookup: the provider deletes by name
        }
      } else {
        bound.connection().revoke(credential);
      }
    } catch (RuntimeException e) {
      call.accept(e instanceof ProviderException p && p.isTransient()
          ? CallWindow.Outcome.TRANSIENT_FAILURE : CallWindow.Outcome.ANSWERED);
      return recordFailedAttempt(claimed, e);
    }
    call.accept(CallWindow.Outcome.ANSWERED);
    LeaseRecord stored = writeOutcome(LeaseTransitions.revoked(claimed, now(), settings.nodeId()),
        written -> announceRevoked(written, reconciling));
    announceRevoked(stored, reconciling);
    return stored;
  }

  private void announceRevoked(LeaseRecord stored, boolean reconciling) {
    if (reconciling) {
      log.info("Reconciled lease {} of '{}': its create never completed; credential deleted",
          stored.id(), stored.secretName());
      settings.listeners().fire("reconciled", stored, LeaseListener::reconciled);
    } else if (stored.revokeReason() == RevokeReason.EXPIRED) {
      log.info("Expired lease {} of '{}'; credential deleted", stored.id(), stored.secretName());
      settings.listeners().fire("expired", stored, LeaseListener::expired);
    } else {
      log.info("Revoked lease {} of '{}' ({})", stored.id(), stored.secretName(),
          stored.revokeReason());
      settings.listeners().fire("revoked", stored, LeaseListener::revoked);
    }
  }

  private LeaseRecord recordFailedAttempt(LeaseRecord claimed, RuntimeException e) {
    boolean definitive = Failures.definitive(e);
    LeaseRecord next = LeaseTransitions.attemptFailed(claimed, Failures.describe(e), definitive,
        now(), settings.retryPolicy(), ThreadLocalRandom.current().nextDouble(),
        Failures.retryAfter(e));
    LeaseRecord stored = writeOutcome(next, written -> announceFailedAttempt(written, definitive));
    announceFailedAttempt(stored, definitive);
    return stored;
  }

  private void announceFailedAttempt(LeaseRecord stored, boolean definitive) {
    if (stored.state() == LeaseState.REVOCATION_FAILED) {
      log.error("Revocation of lease {} of '{}' failed {} after {} attempt(s): {}; it needs an"
          + " operator", stored.id(), stored.secretName(),
          definitive ? "definitively" : "for good", stored.revocationAttempts(),
          stored.lastError());
      settings.listeners().fire("revocationFailed", stored, LeaseListener::revocationFailed);
    } else {
      log.warn("Revocation attempt {} of lease {} of '{}' failed: {}; next attempt at {}",
          stored.revocationAttempts(), stored.id(), stored.secretName(), stored.lastError(),
          stored.nextAttemptAt());
      settings.listeners().fire("revocationRetryScheduled", stored,
          LeaseListener::revocationRetryScheduled);
    }
  }

  /**
   * Records the outcome of a revocation attempt on a lease this node holds. When the store fails
   * to answer, the write may still have taken effect (a connection lost after the commit): the
   * lease is read back, and if it is at the next version with this outcome, the write counts as
   * done, so the caller and the listeners still hear of it. Otherwise the failure stands and the
   * outcome is owed: it is written once the store answers again, and {@code onWritten} is told
   * then (should this node stop first, the claim lapses and the attempt is made again).
   */
  private LeaseRecord writeOutcome(LeaseRecord outcome, Consumer<LeaseRecord> onWritten) {
    try {
      return store.update(outcome);
    } catch (StoreException unanswered) {
      Optional<LeaseRecord> current;
      try {
        current = store.find(outcome.id());
      } catch (RuntimeException readFailure) {
        unanswered.addSuppressed(readFailure);
        owed.owe(outcome, onWritten);
        throw unanswered;
      }
      if (current.isPresent() && LeaseTransitions.writtenAsAsked(outcome, current.get())) {
        log.debug("The store did not answer the write of lease {} but it took effect: {}",
            outcome.id(), unanswered.getMessage());
        return current.get();
      }
      if (current.isPresent() && current.get().version() == outcome.version()) {
        owed.owe(outcome, onWritten); // still as this node claimed it: write it later
      }
      throw unanswered;
    }
  }

  /** The writes this node owes the store; due work makes them when the store answers again. */
  OwedWrites owed() {
    return owed;
  }
}
