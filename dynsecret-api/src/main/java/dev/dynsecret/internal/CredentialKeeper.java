package dev.dynsecret.internal;

import static dev.dynsecret.internal.Durations.format;

import dev.dynsecret.CreatedLease;
import dev.dynsecret.CredentialEvent;
import dev.dynsecret.CredentialEvent.Type;
import dev.dynsecret.DynamicSecretException;
import dev.dynsecret.InvalidTtlException;
import dev.dynsecret.Lease;
import dev.dynsecret.LeaseState;
import dev.dynsecret.LeaseStateException;
import dev.dynsecret.ManagerClosedException;
import dev.dynsecret.NotFoundException;
import dev.dynsecret.RevokeReason;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one managed credential valid: renews its lease at the plan's step time, rotates it when a
 * renewal can no longer grant the full TTL, revokes the replaced lease once the overlap is over,
 * and retries failed steps with backoff. {@link #runDue} does what is due at a time; the lease
 * manager calls it from {@code processDue} and its background work.
 *
 * <p>The current credential is a volatile field, read without locking by application threads;
 * everything else is guarded by this object's lock, so a step and {@link #close} never interleave.
 * Secret data is held here only, in memory, and never logged.
 */
public final class CredentialKeeper {
  private static final Logger log = LoggerFactory.getLogger(CredentialKeeper.class);

  private final String secretName;
  private final RenewalPlan plan;
  private final Creation creation;
  private final Renewal renewal;
  private final Revocation revocation;
  private final Clock clock;
  private final CredentialEvents events;
  private final Consumer<CredentialKeeper> onClose;

  private volatile CreatedLease current;
  private volatile boolean closed;

  // guarded by this
  private final List<Retiring> retiring = new ArrayList<>();
  private Instant nextStepAt;
  private int failures;
  private @Nullable String lastProblem;
  private boolean warned;
  private boolean expiredReported;

  /** A replaced lease, kept valid until {@code revokeAt}. */
  private record Retiring(Lease lease, Instant revokeAt) {}

  private CredentialKeeper(String secretName, RenewalPlan plan, Creation creation,
      Renewal renewal, Revocation revocation, Clock clock, CredentialEvents events,
      Consumer<CredentialKeeper> onClose, CreatedLease first) {
    this.secretName = secretName;
    this.plan = plan;
    this.creation = creation;
    this.renewal = renewal;
    this.revocation = revocation;
    this.clock = clock;
    this.events = events;
    this.onClose = onClose;
    this.current = first;
    this.nextStepAt = plan.stepAt(first.lease(), random());
  }

  /**
   * Creates the first lease, at once, so that a misconfiguration fails the caller.
   *
   * @throws DynamicSecretException whatever {@code create} throws
   */
  static CredentialKeeper start(String secretName, RenewalPlan plan, Creation creation,
      Renewal renewal, Revocation revocation, Clock clock, CredentialEvents events,
      Consumer<CredentialKeeper> onClose) {
    CreatedLease first = creation.create(secretName, plan.ttl());
    CredentialKeeper keeper = new CredentialKeeper(secretName, plan, creation, renewal,
        revocation, clock, events, onClose, first);
    log.info("Managing a credential of '{}': lease {}, first renewal or rotation at {}",
        secretName, first.lease().id(), keeper.nextStepAt);
    keeper.publish(Type.CREATED, null, null, null);
    return keeper;
  }

  public String secretName() {
    return secretName;
  }

  public boolean isClosed() {
    return closed;
  }

  /** The credential to use now. */
  public CreatedLease current() {
    if (closed) {
      throw new ManagerClosedException("the managed credential of '" + secretName
          + "' is closed; manage the secret again to get a new one");
    }
    return current;
  }

  /** When the next renewal, rotation or retry is due; for tests and diagnostics. */
  public synchronized Instant nextStepAt() {
    return nextStepAt;
  }

  /**
   * Does what is due at the clock's time: revokes replaced leases whose overlap is over, takes the
   * renewal or rotation step (or its retry), and warns if the credential is about to run out.
   *
   * @return how many things were done
   */
  public synchronized int runDue() {
    if (closed) {
      return 0;
    }
    Instant now = clock.instant();
    int worked = 0;
    for (Iterator<Retiring> it = retiring.iterator(); it.hasNext(); ) {
      Retiring old = it.next();
      if (!now.isBefore(old.revokeAt())) {
        it.remove();
        retire(old.lease());
        worked++;
      }
    }
    if (!now.isBefore(nextStepAt)) {
      step(now);
      worked++;
    }
    checkRunningOut(now);
    return worked;
  }

  private void step(Instant now) {
    Lease lease = current.lease();
    if (plan.decide(lease, now) == RenewalPlan.Step.ROTATE) {
      rotate(now, lease, lease.isLiveAt(now));
      return;
    }
    try {
      Lease renewed = renewal.renew(lease.id(), plan.ttl()).toLease();
      current = new CreatedLease(renewed, current.secretData());
      log.debug("Renewed managed credential of '{}' (lease {}) until {}", secretName,
          renewed.id(), renewed.expiresAt());
      succeeded(Type.RENEWED, null);
    } catch (LeaseStateException | NotFoundException gone) {
      // Expired, revoked or purged behind our back (the failure Vault's users meet as "lease not
      // found"): renewing again cannot help, a new lease can, with nothing to overlap.
      log.info("Lease {} of '{}' can no longer be renewed ({}); replacing it now", lease.id(),
          secretName, gone.getMessage());
      rotate(now, lease, false);
    } catch (InvalidTtlException nearHardLimit) {
      // The hard limit is nearer than this node's clock said: still valid, so rotate with overlap.
      rotate(now, lease, true);
    } catch (DynamicSecretException e) {
      failed("renew", now, e);
    }
  }

  private void rotate(Instant now, Lease old, boolean overlaps) {
    CreatedLease created;
    try {
      created = creation.create(secretName, plan.ttl());
    } catch (DynamicSecretException e) {
      stretch(now, old);
      failed("rotate", now, e);
      return;
    }
    current = created;
    if (overlaps) {
      Instant revokeAt = now.plus(plan.overlap());
      retiring.add(new Retiring(old, revokeAt));
      log.info("Rotated the managed credential of '{}': lease {} replaces {}, which stays valid"
          + " until {}", secretName, created.lease().id(), old.id(), revokeAt);
    } else {
      log.info("Rotated the managed credential of '{}': lease {} replaces {}, which was no longer"
          + " valid", secretName, created.lease().id(), old.id());
    }
    succeeded(Type.ROTATED, old);
    if (!overlaps) {
      retire(old); // expired or revoked already: nothing to overlap; revoking is idempotent
    }
  }

  /**
   * After a failed rotation, renews the old lease as far as its hard limit allows, so that it
   * serves as long as possible while the rotation is retried (for a provider whose renewal is
   * bookkeeping only, as for IBM API Connect, this works during a provider outage).
   */
  private void stretch(Instant now, Lease old) {
    if (!old.isLiveAt(now) || !old.expiresAt().isBefore(old.hardLimitAt())) {
      return;
    }
    Duration allowed = Duration.between(now, old.hardLimitAt());
    Duration ttl = allowed.compareTo(plan.ttl()) < 0 ? allowed : plan.ttl();
    try {
      Lease renewed = renewal.renew(old.id(), ttl).toLease();
      current = new CreatedLease(renewed, current.secretData());
      log.info("Extended lease {} of '{}' to {} while its replacement is retried", renewed.id(),
          secretName, renewed.expiresAt());
      publish(Type.RENEWED, null, null, null);
    } catch (DynamicSecretException e) {
      log.debug("Could not extend lease {} of '{}': {}", old.id(), secretName, e.getMessage());
    }
  }

  private void succeeded(Type type, @Nullable Lease previous) {
    boolean recovered = failures > 0 || expiredReported;
    failures = 0;
    lastProblem = null;
    warned = false;
    expiredReported = false;
    nextStepAt = plan.stepAt(current.lease(), random());
    publish(type, previous, null, null);
    if (recovered) {
      log.info("The managed credential of '{}' recovered: lease {} is valid until {}",
          secretName, current.lease().id(), current.lease().expiresAt());
      publish(Type.RECOVERED, null, null, null);
    }
  }

  private void failed(String operation, Instant now, DynamicSecretException e) {
    failures++;
    lastProblem = Failures.describe(e);
    Instant next = now.plus(plan.retryDelay(failures, random()));
    nextStepAt = next;
    Lease lease = current.lease();
    log.warn("Could not {} the managed credential of '{}' (attempt {}): {}; next attempt at {};"
        + " lease {} is valid until {}", operation, secretName, failures, e.getMessage(), next,
        lease.id(), lease.expiresAt());
    publish(Type.RENEWAL_FAILED, null, next, lastProblem);
  }

  /** While steps fail: warns once when the credential is about to run out, and once when it has. */
  private void checkRunningOut(Instant now) {
    if (failures == 0) {
      return;
    }
    Lease lease = current.lease();
    if (!lease.isLiveAt(now)) {
      if (!expiredReported) {
        expiredReported = true;
        warned = true;
        log.error("The managed credential of '{}' has run out: lease {} {} and no replacement"
            + " could be made ({} failed attempts; last: {}); the next attempt is at {}",
            secretName, lease.id(), lease.state() == LeaseState.ACTIVE
                ? "expired at " + lease.expiresAt() : "is " + lease.state(),
            failures, lastProblem, nextStepAt);
        publish(Type.EXPIRED, null, nextStepAt, lastProblem);
      }
      return;
    }
    Duration left = Duration.between(now, lease.expiresAt());
    if (!warned && left.compareTo(plan.warnBefore()) <= 0) {
      warned = true;
      log.warn("The managed credential of '{}' runs out in {} (lease {} expires at {}) and no"
          + " replacement could be made yet ({} failed attempts; last: {}); the next attempt is"
          + " at {}", secretName, format(left), lease.id(), lease.expiresAt(), failures,
          lastProblem, nextStepAt);
      publish(Type.EXPIRING, null, nextStepAt, lastProblem);
    }
  }

  private void retire(Lease old) {
    try {
      Lease revoked = revocation.revoke(old.id(), RevokeReason.MANUAL).toLease();
      log.info("Revoked lease {} of '{}', replaced by {}", old.id(), secretName,
          current.lease().id());
      publish(Type.PREVIOUS_REVOKED, revoked, null, null);
    } catch (NotFoundException purged) {
      log.debug("Replaced lease {} of '{}' is gone from the store", old.id(), secretName);
    } catch (DynamicSecretException e) {
      // The failure is recorded on the lease, whose revocation the engine retries on its own.
      log.warn("Could not revoke replaced lease {} of '{}' yet: {}", old.id(), secretName,
          e.getMessage());
    }
  }

  /**
   * Revokes the replaced leases still in their overlap and, if the plan says so, the current one;
   * sends the last event. Idempotent.
   */
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      for (Retiring old : retiring) {
        retire(old.lease());
      }
      retiring.clear();
      Lease lease = current.lease();
      if (plan.revokeOnClose()) {
        try {
          current = new CreatedLease(revocation.revoke(lease.id(), RevokeReason.MANUAL).toLease(),
              current.secretData());
          log.info("Closed the managed credential of '{}': lease {} revoked", secretName,
              lease.id());
        } catch (DynamicSecretException e) {
          log.warn("Closed the managed credential of '{}', but revoking lease {} failed: {};"
              + " background work retries it", secretName, lease.id(), e.getMessage());
        }
      } else {
        log.info("Closed the managed credential of '{}': lease {} is left to expire at {}",
            secretName, lease.id(), lease.expiresAt());
      }
      publish(Type.CLOSED, null, null, null);
    }
    onClose.accept(this);
  }

  private void publish(Type type, @Nullable Lease previous, @Nullable Instant nextAttemptAt,
      @Nullable String problem) {
    events.publish(new CredentialEvent(type, secretName, clock.instant(), current, previous,
        nextAttemptAt, problem));
  }

  private static double random() {
    return ThreadLocalRandom.current().nextDouble();
  }

  @Override
  public String toString() {
    Lease lease = current.lease();
    return "ManagedCredential[secret=" + secretName + ", lease=" + lease.id() + ", expiresAt="
        + lease.expiresAt() + (closed ? ", closed" : "") + "]";
  }
}
