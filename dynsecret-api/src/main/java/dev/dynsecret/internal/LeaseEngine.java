package dev.dynsecret.internal;

import static dev.dynsecret.internal.Durations.format;

import dev.dynsecret.ConflictException;
import dev.dynsecret.CreatedLease;
import dev.dynsecret.DefinitiveProviderException;
import dev.dynsecret.DynamicSecret;
import dev.dynsecret.DynamicSecretException;
import dev.dynsecret.InvalidRequestException;
import dev.dynsecret.InvalidTtlException;
import dev.dynsecret.Lease;
import dev.dynsecret.LeaseLimitExceededException;
import dev.dynsecret.LeaseListener;
import dev.dynsecret.LeaseState;
import dev.dynsecret.LeaseStateException;
import dev.dynsecret.NotFoundException;
import dev.dynsecret.OrphanSweepReport;
import dev.dynsecret.ProviderException;
import dev.dynsecret.ReconciliationReport;
import dev.dynsecret.RevokeReason;
import dev.dynsecret.StoreException;
import dev.dynsecret.TransientProviderException;
import dev.dynsecret.spi.CreatedCredential;
import dev.dynsecret.spi.LeaseQuery;
import dev.dynsecret.spi.LeaseStore;
import dev.dynsecret.spi.ManagedCredential;
import dev.dynsecret.spi.Page;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lease lifecycle: create, renew, revoke, expire, retry and reconcile, as
 * {@code lease-semantics.md} describes them. Every write is a compare-and-set on the lease's
 * version, and every provider call that deletes a credential happens only while this node holds
 * the lease's claim, so that across nodes each lease is revoked by one node at a time.
 */
public final class LeaseEngine {
  private static final Logger log = LoggerFactory.getLogger(LeaseEngine.class);

  /** States whose leases may still hold a live credential. */
  private static final Set<LeaseState> UNFINISHED =
      EnumSet.of(LeaseState.PENDING, LeaseState.ACTIVE, LeaseState.REVOCATION_FAILED);

  private static final Set<LeaseState> COUNTED_AGAINST_LIMIT =
      EnumSet.of(LeaseState.PENDING, LeaseState.ACTIVE);

  private static final int WRITE_RETRIES = 5;
  /** Leases read per store query when going through many. */
  private static final int PAGE_SIZE = 500;

  private final EngineSettings settings;
  private final LeaseStore store;
  private final Map<String, BoundSecret<?>> secrets = new ConcurrentHashMap<>();

  public LeaseEngine(EngineSettings settings) {
    this.settings = settings;
    this.store = settings.store();
  }

  private Instant now() {
    return settings.clock().instant();
  }

  // ---------------------------------------------------------------- dynamic secrets

  public void register(DynamicSecret definition) {
    BoundSecret<?> bound = bind(definition);
    if (secrets.putIfAbsent(definition.name(), bound) != null) {
      bound.close();
      throw new ConflictException("a dynamic secret named '" + definition.name()
          + "' is registered already; use update to replace it");
    }
    log.info("Registered dynamic secret '{}' (provider {}, default TTL {}, max TTL {})",
        definition.name(), definition.providerType(), format(definition.defaultTtl()),
        format(definition.maxTtl()));
  }

  public void update(DynamicSecret definition) {
    requireSecret(definition.name());
    BoundSecret<?> bound = bind(definition);
    BoundSecret<?> previous = secrets.put(definition.name(), bound);
    if (previous != null) {
      previous.close();
    }
    log.info("Updated dynamic secret '{}'", definition.name());
  }

  private BoundSecret<?> bind(DynamicSecret definition) {
    return BoundSecret.bind(definition, settings.providers().get(definition.providerType()));
  }

  public Optional<DynamicSecret> secret(String name) {
    return Optional.ofNullable(secrets.get(name)).map(BoundSecret::definition);
  }

  public List<DynamicSecret> secrets() {
    return secrets.values().stream().map(BoundSecret::definition).toList();
  }

  private BoundSecret<?> requireSecret(String name) {
    if (name == null) {
      throw new InvalidRequestException("secretName", "is required");
    }
    BoundSecret<?> bound = secrets.get(name);
    if (bound == null) {
      throw new NotFoundException("no dynamic secret named " + Texts.quoted(name) + " is registered; registered: "
          + secrets.keySet());
    }
    return bound;
  }

  public void verify(String secretName) {
    requireSecret(secretName).verify();
  }

  /**
   * Revokes every unfinished lease of the secret, then unregisters it. Without {@code force}, a
   * lease that cannot be revoked keeps the secret registered (so its retries can go on) and the
   * call fails; with {@code force}, such leases are marked revoked anyway.
   */
  public void remove(String name, boolean force) {
    BoundSecret<?> bound = requireSecret(name);
    RevokeOutcome outcome = revokeEach(name, RevokeReason.SECRET_REMOVED, force);
    if (outcome.failed() > 0 && !force) {
      throw new DynamicSecretException(outcome.failed() + " of " + outcome.total()
          + " leases of dynamic secret '" + name + "' could not be revoked (last error: "
          + outcome.lastError() + "); the secret stays registered so their revocation is retried."
          + " Remove it with force to mark them revoked anyway");
    }
    secrets.remove(name, bound);
    bound.close();
    log.info("Removed dynamic secret '{}' ({} leases revoked{})", name, outcome.total(),
        force && outcome.failed() > 0 ? ", " + outcome.failed() + " of them forced" : "");
  }

  public int revokeAll(String secretName) {
    requireSecret(secretName);
    RevokeOutcome outcome = revokeEach(secretName, RevokeReason.MANUAL, false);
    if (outcome.failed() > 0) {
      throw new DynamicSecretException(outcome.failed() + " of " + outcome.total()
          + " leases of dynamic secret '" + secretName + "' could not be revoked now and will be"
          + " retried (last error: " + outcome.lastError() + ")");
    }
    return outcome.total();
  }

  private record RevokeOutcome(int total, int failed, String lastError) {}

  private RevokeOutcome revokeEach(String secretName, RevokeReason reason, boolean force) {
    int total = 0;
    int failed = 0;
    String lastError = null;
    LeaseQuery query = LeaseQuery.bySecret(secretName, PAGE_SIZE).withStates(UNFINISHED);
    while (true) {
      Page<Lease> page = store.query(query);
      for (Lease lease : page.items()) {
        total++;
        try {
          Lease result = revoke(lease.id(), reason);
          if (result.state() != LeaseState.REVOKED) {
            throw new DynamicSecretException("lease " + lease.id() + " is still being revoked");
          }
        } catch (DynamicSecretException e) {
          lastError = e.getMessage();
          if (force) {
            forceRevoke(lease.id(), reason, e.getMessage());
          } else {
            failed++;
          }
        }
      }
      if (!page.hasNext()) {
        return new RevokeOutcome(total, failed, lastError);
      }
      query = query.after(page.nextCursor());
    }
  }

  // ---------------------------------------------------------------- create

  public CreatedLease create(String secretName, Duration requestedTtl) {
    BoundSecret<?> bound = requireSecret(secretName);
    DynamicSecret definition = bound.definition();
    Duration ttl = checkCreateTtl(definition, requestedTtl);

    Instant now = now();
    Lease pending = Lease.builder()
        .id(LeaseIds.next(settings.clock()))
        .secretName(secretName)
        .state(LeaseState.PENDING)
        .createdAt(now)
        .expiresAt(now.plus(ttl))
        .hardLimitAt(now.plus(definition.maxTtl()))
        // The creating node holds the lease until the grace period ends; if it dies first, the
        // claim lapses and another node reconciles the lease.
        .claimedBy(settings.nodeId())
        .dueAt(now.plus(settings.pendingGrace()))
        .build();
    insertWithinLeaseLimit(definition, pending);

    CreatedCredential credential;
    try {
      credential = bound.create(pending);
    } catch (RuntimeException e) {
      throw createFailed(pending, e);
    }

    Lease active = pending.toBuilder()
        .state(LeaseState.ACTIVE)
        .externalId(credential.externalId())
        .metadata(credential.metadata())
        .claimedBy(null)
        .dueAt(pending.expiresAt())
        .build();
    Lease stored;
    try {
      stored = store.update(active);
    } catch (RuntimeException e) {
      throw activationFailed(bound, active, e);
    }
    log.info("Created lease {} of '{}' (expires {})", stored.id(), secretName, stored.expiresAt());
    fire("created", stored, LeaseListener::created);
    return new CreatedLease(stored, credential.secretData());
  }

  private Duration checkCreateTtl(DynamicSecret definition, Duration requested) {
    Duration ttl = requested == null ? definition.defaultTtl() : requested;
    requirePositiveTtl(ttl);
    if (ttl.compareTo(definition.maxTtl()) > 0) {
      throw new InvalidTtlException("ttl", "must not exceed the max TTL " + format(definition.maxTtl())
          + " of dynamic secret '" + definition.name() + "'; was " + format(ttl));
    }
    return ttl;
  }

  private static void requirePositiveTtl(Duration ttl) {
    if (ttl.isZero() || ttl.isNegative()) {
      throw new InvalidTtlException("ttl", "must be positive; was " + format(ttl));
    }
  }

  /**
   * Records the pending lease, within the definition's lease limit if it has one. The store counts
   * and inserts in one atomic step, so nodes creating at the same instant cannot pass the limit.
   */
  private void insertWithinLeaseLimit(DynamicSecret definition, Lease pending) {
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
  private RuntimeException createFailed(Lease pending, RuntimeException cause) {
    boolean definitive = cause instanceof DefinitiveProviderException;
    String message = "creating a credential for lease " + pending.id() + " of '"
        + pending.secretName() + "' failed: " + cause.getMessage();
    Instant now = now();
    Lease.Builder failed = pending.toBuilder().lastError(describe(cause)).claimedBy(null);
    if (definitive) {
      failed.state(LeaseState.REVOKED).revokeReason(RevokeReason.CREATE_FAILED).revokedAt(now)
          .revokedBy(settings.nodeId()).dueAt(null);
    } else {
      failed.dueAt(now);
      message += "; any credential it left behind will be deleted by reconciliation";
    }
    try {
      store.update(failed.build());
    } catch (RuntimeException storeFailure) {
      // The lease stays pending with its grace-period claim, so reconciliation still finds it.
      log.warn("Could not record the failed create of lease {}: {}", pending.id(),
          storeFailure.getMessage());
    }
    log.warn("Create of lease {} of '{}' failed: {}", pending.id(), pending.secretName(),
        cause.getMessage());
    return definitive
        ? new DefinitiveProviderException(message, cause)
        : new TransientProviderException(message, cause, retryAfterOf(cause));
  }

  /** The credential exists but the lease could not be marked active: delete it at once. */
  private RuntimeException activationFailed(BoundSecret<?> bound, Lease active, RuntimeException e) {
    String message = "lease " + active.id() + " of '" + active.secretName()
        + "' could not be recorded as active (" + e.getMessage() + ")";
    try {
      bound.revoke(active);
      message += "; its credential was revoked";
      closeAfterFailedActivation(active);
    } catch (RuntimeException revokeFailure) {
      message += "; revoking its credential failed too (" + revokeFailure.getMessage()
          + "), reconciliation will delete it";
    }
    log.warn(message);
    return e instanceof StoreException || e instanceof ConflictException
        ? new StoreException(message, e)
        : new DynamicSecretException(message, e);
  }

  private void closeAfterFailedActivation(Lease active) {
    try {
      Lease current = store.find(active.id()).orElse(null);
      // ACTIVE with this credential: the write took effect and only its answer was lost. The
      // caller got an error and never the secret, and the credential is deleted: close it too.
      boolean writtenAnyway = current != null && current.state() == LeaseState.ACTIVE
          && active.externalId().equals(current.externalId()) && !current.revocationPending();
      if (current != null && (current.state() == LeaseState.PENDING || writtenAnyway)) {
        store.update(current.toBuilder().state(LeaseState.REVOKED)
            .revokeReason(RevokeReason.CREATE_FAILED).revokedAt(now()).revokedBy(settings.nodeId())
            .claimedBy(null).dueAt(null).lastError("could not be recorded as active").build());
      }
    } catch (RuntimeException ignored) {
      // The credential is deleted either way; a lease left pending is closed by reconciliation,
      // one left active by its expiry (whose delete then finds nothing, which is success).
    }
  }

  // ---------------------------------------------------------------- read

  public Optional<Lease> find(String leaseId) {
    return store.find(requireLeaseId(leaseId));
  }

  public Lease get(String leaseId) {
    return find(leaseId).orElseThrow(() -> new NotFoundException("no lease with id " + Texts.quoted(leaseId)));
  }

  public Page<Lease> list(LeaseQuery query) {
    return store.query(query);
  }

  private static String requireLeaseId(String leaseId) {
    if (leaseId == null || leaseId.isBlank()) {
      throw new InvalidRequestException("leaseId", "is required");
    }
    if (leaseId.length() > 128 || Texts.hasControlCharacter(leaseId)) {
      throw new InvalidRequestException("leaseId",
          "must be at most 128 characters without control characters; was " + Texts.quoted(leaseId));
    }
    return leaseId;
  }

  // ---------------------------------------------------------------- renew

  public Lease renew(String leaseId, Duration requestedTtl) {
    for (int attempt = 0; attempt < WRITE_RETRIES; attempt++) {
      Lease lease = get(leaseId);
      Instant now = now();
      checkRenewable(lease, now);
      BoundSecret<?> bound = requireSecret(lease.secretName());
      Duration ttl = requestedTtl == null ? bound.definition().defaultTtl() : requestedTtl;
      requirePositiveTtl(ttl);
      // Compared as durations: now + a huge TTL would overflow Instant.
      Duration allowed = Duration.between(now, lease.hardLimitAt());
      if (ttl.compareTo(allowed) > 0) {
        throw new InvalidTtlException("ttl", "renewing lease " + lease.id() + " by " + format(ttl)
            + " would pass its hard limit " + lease.hardLimitAt() + " (created + max TTL); at most "
            + format(allowed) + " can still be granted");
      }
      Instant newExpiry = now.plus(ttl);
      bound.renew(lease, newExpiry);
      try {
        Lease renewed = store.update(
            lease.toBuilder().expiresAt(newExpiry).renewedAt(now).dueAt(newExpiry).build());
        log.info("Renewed lease {} until {}", renewed.id(), renewed.expiresAt());
        fire("renewed", renewed, LeaseListener::renewed);
        return renewed;
      } catch (ConflictException lostRace) {
        // Someone changed the lease meanwhile (maybe the sweep claimed it): look again.
      }
    }
    throw new ConflictException("lease " + leaseId + " kept changing while being renewed; try again");
  }

  private static void checkRenewable(Lease lease, Instant now) {
    if (lease.state() != LeaseState.ACTIVE) {
      throw new LeaseStateException("lease " + lease.id() + " cannot be renewed: it is "
          + lease.state() + (lease.revokeReason() == null ? "" : " (" + lease.revokeReason() + ")"),
          lease.state());
    }
    if (lease.revocationPending()) {
      throw new LeaseStateException("lease " + lease.id()
          + " cannot be renewed: its revocation is in progress (" + lease.revokeReason() + ")",
          lease.state());
    }
    if (!lease.expiresAt().isAfter(now)) {
      throw new LeaseStateException("lease " + lease.id() + " cannot be renewed: it expired at "
          + lease.expiresAt(), lease.state());
    }
  }

  // ---------------------------------------------------------------- revoke

  /**
   * Claims the lease and deletes its credential. Already revoked: returned as is, with no provider
   * call. Claimed by a worker right now: that worker is revoking it; returned as is, with {@link
   * Lease#revocationPending()} true. If the provider fails, the failure is recorded on the lease
   * (a retry is scheduled, or the lease becomes {@code REVOCATION_FAILED}) and thrown.
   */
  public Lease revoke(String leaseId, RevokeReason reason) {
    for (int attempt = 0; attempt < WRITE_RETRIES; attempt++) {
      Lease lease = get(leaseId);
      Instant now = now();
      if (lease.state() == LeaseState.REVOKED) {
        return lease;
      }
      if (claimLive(lease, now)) {
        if (lease.state() == LeaseState.PENDING) {
          throw new LeaseStateException("lease " + lease.id() + " is still being created; revoke it"
              + " once create returns, or let reconciliation clean it up", lease.state());
        }
        return lease;
      }
      requireSecret(lease.secretName());
      try {
        Lease result = attemptRevocation(store.update(claim(lease, now, reason)));
        if (result.state() != LeaseState.REVOKED) {
          throw revocationFailure(result);
        }
        return result;
      } catch (ConflictException lostRace) {
        // Changed meanwhile (claimed by the sweep, renewed, revoked): read again and decide.
      }
    }
    throw new ConflictException("lease " + leaseId + " kept changing while being revoked; try again");
  }

  /** Whether a worker (on any node, this one included) holds the lease now. */
  private static boolean claimLive(Lease lease, Instant now) {
    return lease.claimedBy() != null && lease.dueAt() != null && lease.dueAt().isAfter(now);
  }

  private Lease claim(Lease lease, Instant now, RevokeReason reason) {
    Lease.Builder claimed = lease.toBuilder()
        .claimedBy(settings.nodeId())
        .dueAt(now.plus(settings.claimTimeout()));
    if (lease.state() == LeaseState.REVOCATION_FAILED) {
      // An operator's retry: back to pending revocation with a fresh attempt budget.
      claimed.state(LeaseState.ACTIVE).revocationAttempts(0).nextAttemptAt(null);
    }
    if (lease.revokeReason() == null) {
      claimed.revokeReason(reason);
    }
    return claimed.build();
  }

  /** The exception a caller gets for a lease whose revocation did not finish. */
  private static ProviderException revocationFailure(Lease lease) {
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
   * the credential; if it cannot, the lease's last error says so.
   */
  public Lease forceRevoke(String leaseId) {
    return forceRevoke(leaseId, RevokeReason.FORCED, null);
  }

  private Lease forceRevoke(String leaseId, RevokeReason reason, String knownError) {
    String error = knownError;
    if (error == null) {
      Lease lease = get(leaseId);
      if (lease.state() == LeaseState.REVOKED) {
        return lease;
      }
      error = tryProviderRevoke(lease);
    }
    for (int attempt = 0; attempt < WRITE_RETRIES; attempt++) {
      Lease lease = get(leaseId);
      if (lease.state() == LeaseState.REVOKED) {
        return lease;
      }
      Lease forced = lease.toBuilder()
          .state(LeaseState.REVOKED)
          .revokeReason(reason)
          .revokedAt(now())
          .revokedBy(settings.nodeId())
          .lastError(error == null ? lease.lastError()
              : "forced without the provider confirming deletion: " + error)
          .claimedBy(null)
          .dueAt(null)
          .nextAttemptAt(null)
          .build();
      try {
        Lease stored = store.update(forced);
        log.warn("Force-revoked lease {} of '{}'{}", stored.id(), stored.secretName(),
            error == null ? "" : " although the provider failed: " + error);
        fire("revoked", stored, LeaseListener::revoked);
        return stored;
      } catch (ConflictException lostRace) {
        // Changed meanwhile: read again.
      }
    }
    throw new ConflictException("lease " + leaseId + " kept changing while being force-revoked");
  }

  /** Asks the provider to delete the credential; returns the failure text, or null on success. */
  private String tryProviderRevoke(Lease lease) {
    BoundSecret<?> bound = secrets.get(lease.secretName());
    if (bound == null) {
      return "dynamic secret '" + lease.secretName() + "' is not registered on this node";
    }
    try {
      bound.revoke(lease);
      return null;
    } catch (RuntimeException e) {
      return describe(e);
    }
  }

  /**
   * Deletes the credential of a lease this node has claimed and records the outcome: revoked, a
   * retry scheduled, or out of attempts. Pending leases (a create that never completed) are first
   * looked up by name, since their external id was never recorded.
   */
  private Lease attemptRevocation(Lease claimed) {
    BoundSecret<?> bound = secrets.get(claimed.secretName());
    if (bound == null) {
      log.warn("Lease {} needs revoking but dynamic secret '{}' is not registered on node {};"
          + " another node may take it after the claim times out", claimed.id(),
          claimed.secretName(), settings.nodeId());
      return claimed;
    }
    boolean reconciling = claimed.state() == LeaseState.PENDING;
    try {
      if (reconciling) {
        Optional<String> externalId = bound.find(claimed);
        if (externalId.isPresent()) {
          bound.revoke(claimed.toBuilder().externalId(externalId.get()).build());
        }
      } else {
        bound.revoke(claimed);
      }
    } catch (RuntimeException e) {
      return recordFailedAttempt(claimed, e);
    }
    Lease revoked = claimed.toBuilder()
        .state(LeaseState.REVOKED)
        .revokeReason(claimed.revokeReason() == null ? RevokeReason.CREATE_FAILED : claimed.revokeReason())
        .revokedAt(now())
        .revokedBy(settings.nodeId())
        .claimedBy(null)
        .dueAt(null)
        .nextAttemptAt(null)
        .build();
    Lease stored = writeOutcome(revoked);
    if (reconciling) {
      log.info("Reconciled lease {} of '{}': its create never completed; credential deleted",
          stored.id(), stored.secretName());
      fire("reconciled", stored, LeaseListener::reconciled);
    } else if (stored.revokeReason() == RevokeReason.EXPIRED) {
      log.info("Expired lease {} of '{}'; credential deleted", stored.id(), stored.secretName());
      fire("expired", stored, LeaseListener::expired);
    } else {
      log.info("Revoked lease {} of '{}' ({})", stored.id(), stored.secretName(),
          stored.revokeReason());
      fire("revoked", stored, LeaseListener::revoked);
    }
    return stored;
  }

  private Lease recordFailedAttempt(Lease claimed, RuntimeException e) {
    int attempts = claimed.revocationAttempts() + 1;
    boolean definitive = e instanceof ProviderException p && !p.isTransient();
    Instant now = now();
    Lease.Builder next = claimed.toBuilder()
        .revocationAttempts(attempts)
        .lastError(describe(e))
        .claimedBy(null);
    boolean giveUp = definitive || attempts >= settings.retryPolicy().maxAttempts();
    if (giveUp) {
      next.state(LeaseState.REVOCATION_FAILED).nextAttemptAt(null).dueAt(null);
    } else {
      Duration delay = settings.retryPolicy().delay(attempts, ThreadLocalRandom.current().nextDouble());
      Duration asked = retryAfterOf(e);
      if (asked != null && asked.compareTo(delay) > 0) {
        delay = asked; // the system said when it can take the call again
      }
      Instant at = now.plus(delay);
      next.nextAttemptAt(at).dueAt(at);
    }
    Lease stored = writeOutcome(next.build());
    if (giveUp) {
      log.error("Revocation of lease {} of '{}' failed {} after {} attempt(s): {}; it needs an"
          + " operator", stored.id(), stored.secretName(), definitive ? "definitively" : "for good",
          attempts, stored.lastError());
      fire("revocationFailed", stored, LeaseListener::revocationFailed);
    } else {
      log.warn("Revocation attempt {} of lease {} of '{}' failed: {}; next attempt at {}", attempts,
          stored.id(), stored.secretName(), stored.lastError(), stored.nextAttemptAt());
      fire("revocationRetryScheduled", stored, LeaseListener::revocationRetryScheduled);
    }
    return stored;
  }

  /**
   * Records the outcome of a revocation attempt on a lease this node holds. When the store fails
   * to answer, the write may still have taken effect (a connection lost after the commit): the
   * lease is read back, and if it is at the next version with this outcome, the write counts as
   * done, so the caller and the listeners still hear of it. Otherwise the failure stands; the
   * claim then lapses and the attempt is made again.
   */
  private Lease writeOutcome(Lease outcome) {
    try {
      return store.update(outcome);
    } catch (StoreException unanswered) {
      Optional<Lease> current;
      try {
        current = store.find(outcome.id());
      } catch (RuntimeException readFailure) {
        unanswered.addSuppressed(readFailure);
        throw unanswered;
      }
      if (current.isPresent() && writtenAsAsked(outcome, current.get())) {
        log.debug("The store did not answer the write of lease {} but it took effect: {}",
            outcome.id(), unanswered.getMessage());
        return current.get();
      }
      throw unanswered;
    }
  }

  /**
   * Whether {@code current} is {@code written} as stored by this node's compare-and-set: only
   * that write leads from the version this node holds to the next one with these values.
   */
  private boolean writtenAsAsked(Lease written, Lease current) {
    return current.version() == written.version() + 1
        && current.state() == written.state()
        && current.revocationAttempts() == written.revocationAttempts()
        && Objects.equals(current.revokedBy(), written.revokedBy())
        && Objects.equals(current.revokeReason(), written.revokeReason())
        && Objects.equals(current.lastError(), written.lastError())
        && Objects.equals(current.claimedBy(), written.claimedBy());
  }

  private static Duration retryAfterOf(RuntimeException e) {
    return e instanceof ProviderException p ? p.retryAfter().orElse(null) : null;
  }

  /** A failure as text for the lease record: its kind and message, never a stack trace. */
  private static String describe(RuntimeException e) {
    String kind = e instanceof ProviderException p
        ? (p.isTransient() ? "transient" : "definitive")
        : e.getClass().getSimpleName();
    String message = kind + ": " + e.getMessage();
    return message.length() > 1000 ? message.substring(0, 1000) + "…" : message;
  }

  // ---------------------------------------------------------------- reconcile and sweep

  /**
   * Cleans up, now, every pending lease whose creator's claim has lapsed: the same work due work
   * does for them, without waiting for their due time or retry backoff. A lease whose create may
   * still be running (the creator's grace-period claim is live) is left alone.
   */
  public ReconciliationReport reconcile() {
    int examined = 0;
    int reconciled = 0;
    int inFlight = 0;
    int failed = 0;
    LeaseQuery query = LeaseQuery.all(PAGE_SIZE).withStates(EnumSet.of(LeaseState.PENDING));
    while (true) {
      Page<Lease> page = store.query(query);
      for (Lease lease : page.items()) {
        examined++;
        Instant now = now();
        if (claimLive(lease, now)) {
          inFlight++;
          continue;
        }
        if (!secrets.containsKey(lease.secretName())) {
          log.warn("Pending lease {} belongs to dynamic secret '{}', which is not registered on"
              + " node {}; it cannot be reconciled here", lease.id(), lease.secretName(),
              settings.nodeId());
          failed++;
          continue;
        }
        Lease claimed;
        try {
          claimed = store.update(claim(lease, now, null));
        } catch (ConflictException lostRace) {
          inFlight++; // another worker took it (or its create just finished)
          continue;
        }
        if (attemptRevocation(claimed).state() == LeaseState.REVOKED) {
          reconciled++;
        } else {
          failed++;
        }
      }
      if (!page.hasNext()) {
        break;
      }
      query = query.after(page.nextCursor());
    }
    ReconciliationReport report = new ReconciliationReport(examined, reconciled, inFlight, failed);
    if (examined > 0) {
      log.info("Reconciliation on node {}: {}", settings.nodeId(), report);
    }
    return report;
  }

  /**
   * Lists the credentials the secret's provider made and deletes (unless {@code dryRun}) those
   * that no lease tracks: the lease is missing or revoked.
   *
   * <p>A credential whose lease is pending is never an orphan: its create is in flight, or
   * reconciliation owns it. A credential with no lease at all cannot come from a create in flight
   * either, since the lease is stored before the provider is called; it is still left alone while
   * its lease id (which carries its creation time) is younger than the pending grace period, in
   * case the store shows the new lease late (a replica, a clock skew between nodes).
   */
  public OrphanSweepReport sweepOrphans(String secretName, boolean dryRun) {
    BoundSecret<?> bound = requireSecret(secretName);
    Instant listingStarted = now();
    List<ManagedCredential> listed;
    try {
      listed = bound.list();
    } catch (UnsupportedOperationException e) {
      return OrphanSweepReport.unsupported(secretName, dryRun, e.getMessage());
    }
    Instant now = now();
    int tracked = 0;
    int tooYoung = 0;
    int undated = 0;
    int deleted = 0;
    int failed = 0;
    String lastError = null;
    List<ManagedCredential> orphans = new ArrayList<>();
    for (ManagedCredential credential : listed) {
      Optional<Lease> lease = store.find(credential.leaseId());
      if (lease.isPresent() && lease.get().state() != LeaseState.REVOKED) {
        tracked++;
        continue;
      }
      Optional<Instant> born = LeaseIds.createdAt(credential.leaseId());
      if (lease.isEmpty() && born.isEmpty()) {
        undated++; // not an id this engine issued: its age, and so its safety, is unknown
        continue;
      }
      if (lease.isEmpty() && born.get().plus(settings.pendingGrace()).isAfter(now)) {
        tooYoung++;
        continue;
      }
      orphans.add(credential);
      if (dryRun) {
        continue;
      }
      try {
        bound.revoke(orphanLease(secretName, credential, lease, born, now));
        deleted++;
        log.info("Deleted orphaned credential {} (id {}) of '{}': {}", credential.name(),
            credential.externalId(), secretName,
            lease.isPresent() ? "its lease " + credential.leaseId() + " is revoked"
                : "no lease " + credential.leaseId() + " is stored");
        settings.listeners().fire("orphanDeleted", credential.name(),
            listener -> listener.orphanDeleted(secretName, credential));
      } catch (RuntimeException e) {
        failed++;
        lastError = describe(e);
        log.warn("Could not delete orphaned credential {} of '{}': {}", credential.name(),
            secretName, lastError);
      }
    }
    List<String> vanished = activeWithoutCredential(secretName, listed, listingStarted);
    OrphanSweepReport report = new OrphanSweepReport(secretName, true, dryRun, listed.size(),
        tracked, tooYoung, undated, orphans, deleted, failed, lastError, vanished);
    if (!orphans.isEmpty()) {
      log.info("Orphan sweep of '{}' ({}): {} listed, {} orphaned, {} deleted, {} failed",
          secretName, dryRun ? "dry run" : "deleting", listed.size(), orphans.size(), deleted,
          failed);
    }
    if (!vanished.isEmpty()) {
      log.warn("Orphan sweep of '{}': {} active lease(s) whose credential the provider no longer"
          + " lists, deleted outside dynsecret; their secrets no longer work: {}", secretName,
          vanished.size(), vanished.size() <= 10 ? vanished
              : vanished.subList(0, 10) + " and " + (vanished.size() - 10) + " more");
    }
    return report;
  }

  /**
   * The active leases of {@code secretName} whose credential is not among {@code listed}. Only
   * leases created a pending grace period before the listing started are judged: an older
   * create has finished (or been reconciled), so its credential existed before the listing and
   * would have been listed. Leases being revoked are left out: their credential may be gone
   * already, by this library's own hand.
   */
  private List<String> activeWithoutCredential(String secretName, List<ManagedCredential> listed,
      Instant listingStarted) {
    Set<String> listedLeases = new HashSet<>();
    listed.forEach(credential -> listedLeases.add(credential.leaseId()));
    Instant judgedBefore = listingStarted.minus(settings.pendingGrace());
    List<String> vanished = new ArrayList<>();
    LeaseQuery query = LeaseQuery.bySecret(secretName, PAGE_SIZE)
        .withStates(EnumSet.of(LeaseState.ACTIVE));
    while (true) {
      Page<Lease> page = store.query(query);
      for (Lease lease : page.items()) {
        if (!lease.revocationPending() && lease.createdAt().isBefore(judgedBefore)
            && !listedLeases.contains(lease.id())) {
          vanished.add(lease.id());
        }
      }
      if (!page.hasNext()) {
        return vanished;
      }
      query = query.after(page.nextCursor());
    }
  }

  /** Sweeps every registered secret whose provider can list; one secret's failure stops none. */
  public List<OrphanSweepReport> sweepOrphansOfEverySecret() {
    List<OrphanSweepReport> reports = new ArrayList<>();
    for (String name : List.copyOf(secrets.keySet())) {
      try {
        reports.add(sweepOrphans(name, false));
      } catch (NotFoundException removedMeanwhile) {
        // Unregistered since the names were read: nothing to sweep.
      } catch (RuntimeException e) {
        log.warn("Orphan sweep of '{}' failed, will try again next time: {}", name, e.toString());
      }
    }
    return reports;
  }

  /** The lease to hand the provider's revoke for an orphan: the stored one, or a stand-in. */
  private static Lease orphanLease(String secretName, ManagedCredential credential,
      Optional<Lease> stored, Optional<Instant> born, Instant now) {
    if (stored.isPresent()) {
      return stored.get().toBuilder().externalId(credential.externalId()).build();
    }
    Instant createdAt = born.orElse(now);
    // Only id, secret and external id matter to a provider's revoke; the times are placeholders.
    return Lease.builder()
        .id(credential.leaseId())
        .secretName(secretName)
        .state(LeaseState.REVOKED)
        .externalId(credential.externalId())
        .createdAt(createdAt)
        .expiresAt(createdAt)
        .hardLimitAt(createdAt)
        .build();
  }

  // ---------------------------------------------------------------- due work

  /**
   * Claims due leases batch by batch and works each one. Returns how many leases were worked.
   *
   * @param executor runs the work of one batch; the call waits for the whole batch
   */
  public int processDue(BatchExecutor executor) {
    int worked = 0;
    while (true) {
      Instant now = now();
      List<Lease> claimed =
          store.claimDue(settings.nodeId(), now, settings.claimTimeout(), settings.batchSize());
      if (claimed.isEmpty()) {
        return worked;
      }
      executor.runAll(claimed, lease -> workDue(lease, now));
      worked += claimed.size();
      if (claimed.size() < settings.batchSize()) {
        return worked;
      }
    }
  }

  /** Runs one batch of due work; implemented inline or on a thread pool. */
  public interface BatchExecutor {
    void runAll(Collection<Lease> leases, java.util.function.Consumer<Lease> work);
  }

  private void workDue(Lease claimed, Instant now) {
    try {
      switch (claimed.state()) {
        case PENDING -> attemptRevocation(claimed);
        case ACTIVE -> {
          if (claimed.revokeReason() != null) {
            attemptRevocation(claimed);
          } else if (!claimed.expiresAt().isAfter(now)) {
            attemptRevocation(claimed.toBuilder().revokeReason(RevokeReason.EXPIRED).build());
          } else {
            release(claimed, claimed.expiresAt());
          }
        }
        case REVOKED, REVOCATION_FAILED -> release(claimed, null);
      }
    } catch (ConflictException lostRace) {
      log.debug("Lease {} changed while being worked; leaving it to its new owner", claimed.id());
    } catch (RuntimeException e) {
      // The store failed: the claim lapses and the lease is worked again later. Nothing is lost.
      log.warn("Could not finish due work on lease {}: {}", claimed.id(), e.getMessage());
    }
  }

  private void release(Lease claimed, Instant dueAt) {
    store.update(claimed.toBuilder().claimedBy(null).dueAt(dueAt).build());
  }

  /** Deletes revoked leases whose history is older than the retention period. */
  public int purgeHistory() {
    Instant cutoff = now().minus(settings.historyRetention());
    int purged = 0;
    int batch;
    do {
      batch = store.purgeRevokedBefore(cutoff, 1000);
      purged += batch;
    } while (batch == 1000);
    if (purged > 0) {
      log.info("Purged {} revoked leases older than {}", purged, cutoff);
    }
    return purged;
  }

  public void closeSecrets() {
    secrets.values().forEach(BoundSecret::close);
    secrets.clear();
  }

  private void fire(String step, Lease lease, BiConsumer<LeaseListener, Lease> call) {
    settings.listeners().fire(step, lease, call);
  }
}
