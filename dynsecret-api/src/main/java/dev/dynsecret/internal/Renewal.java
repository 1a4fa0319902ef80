package dev.dynsecret.internal;

import static dev.dynsecret.internal.Durations.format;

import dev.dynsecret.ConflictException;
import dev.dynsecret.InvalidTtlException;
import dev.dynsecret.LeaseListener;
import dev.dynsecret.LeaseState;
import dev.dynsecret.LeaseStateException;
import dev.dynsecret.spi.LeaseRecord;
import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renewing a lease: a new expiry of now + TTL, never past the lease's hard limit, for a lease that
 * is live. The provider's own expiry, where the system has one, is moved first.
 */
public final class Renewal {
  private static final Logger log = LoggerFactory.getLogger(Renewal.class);

  private final EngineSettings settings;
  private final SecretRegistry secrets;
  private final LeaseReads reads;

  public Renewal(EngineSettings settings, SecretRegistry secrets, LeaseReads reads) {
    this.settings = settings;
    this.secrets = secrets;
    this.reads = reads;
  }

  public LeaseRecord renew(String leaseId, @Nullable Duration requestedTtl) {
    for (int attempt = 0; attempt < LeaseReads.WRITE_RETRIES; attempt++) {
      LeaseRecord lease = reads.get(leaseId);
      Instant now = settings.clock().instant();
      checkRenewable(lease, now);
      BoundSecret bound = secrets.require(lease.secretName());
      Duration ttl = requestedTtl == null ? bound.definition().defaultTtl() : requestedTtl;
      Creation.requirePositiveTtl(ttl);
      // Compared as durations: now + a huge TTL would overflow Instant.
      Duration allowed = Duration.between(now, lease.hardLimitAt());
      if (ttl.compareTo(allowed) > 0) {
        throw new InvalidTtlException("ttl", "renewing lease " + lease.id() + " by " + format(ttl)
            + " would pass its hard limit " + lease.hardLimitAt() + " (created + max TTL); at most "
            + format(allowed) + " can still be granted");
      }
      Instant newExpiry = now.plus(ttl);
      bound.connection().renewal().ifPresent(r -> r.renew(lease.toLease(), newExpiry));
      try {
        LeaseRecord renewed = settings.store().update(LeaseTransitions.renewed(lease, newExpiry, now));
        log.info("Renewed lease {} until {}", renewed.id(), renewed.expiresAt());
        settings.listeners().fire("renewed", renewed, LeaseListener::renewed);
        return renewed;
      } catch (ConflictException lostRace) {
        // Someone changed the lease meanwhile (maybe the sweep claimed it): look again.
      }
    }
    throw new ConflictException("lease " + leaseId + " kept changing while being renewed; try again");
  }

  private static void checkRenewable(LeaseRecord lease, Instant now) {
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
}
