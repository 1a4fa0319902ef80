package dev.dynsecret.micrometer.internal;

import static dev.dynsecret.micrometer.internal.MeterNames.tagValue;

import dev.dynsecret.Lease;
import dev.dynsecret.LeaseListener;
import dev.dynsecret.ListedCredential;
import dev.dynsecret.RevokeReason;
import io.micrometer.core.instrument.Counter;
import java.time.Duration;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Counts lifecycle steps per dynamic secret. Every counter of a secret is registered (at zero)
 * the first time the secret is seen, so that dashboards and rate queries see a series from the
 * start instead of one that appears with its first event.
 */
public final class LeaseCounters implements LeaseListener {
  static final String RETRY_SCHEDULED = "retry_scheduled";
  static final String GAVE_UP = "revocation_failed";

  private final MeterRegistry registry;
  private final Consumer<String> onNewSecret;
  private final Set<String> seen = ConcurrentHashMap.newKeySet();

  public LeaseCounters(MeterRegistry registry, Consumer<String> onNewSecret) {
    this.registry = registry;
    this.onNewSecret = onNewSecret;
  }

  /** Registers every counter of {@code secret} at zero, once. */
  public void track(String secret) {
    if (!seen.add(secret)) {
      return;
    }
    created(secret);
    renewed(secret);
    for (RevokeReason reason : RevokeReason.values()) {
      revoked(secret, tagValue(reason));
    }
    revocationFailures(secret, RETRY_SCHEDULED);
    revocationFailures(secret, GAVE_UP);
    orphans(secret);
    throttled(secret);
    onNewSecret.accept(secret);
  }

  @Override
  public void created(Lease lease) {
    track(lease.secretName());
    created(lease.secretName()).increment();
  }

  @Override
  public void renewed(Lease lease) {
    track(lease.secretName());
    renewed(lease.secretName()).increment();
  }

  @Override
  public void revoked(Lease lease) {
    countRevoked(lease);
  }

  @Override
  public void expired(Lease lease) {
    countRevoked(lease);
  }

  @Override
  public void reconciled(Lease lease) {
    countRevoked(lease);
  }

  @Override
  public void revocationRetryScheduled(Lease lease) {
    track(lease.secretName());
    revocationFailures(lease.secretName(), RETRY_SCHEDULED).increment();
  }

  @Override
  public void revocationFailed(Lease lease) {
    track(lease.secretName());
    revocationFailures(lease.secretName(), GAVE_UP).increment();
  }

  @Override
  public void orphanDeleted(String secretName, ListedCredential credential) {
    track(secretName);
    orphans(secretName).increment();
  }

  @Override
  public void providerThrottled(String secretName, String target, Duration wait) {
    track(secretName);
    throttled(secretName).increment();
  }

  private void countRevoked(Lease lease) {
    track(lease.secretName());
    // The engine reports each revocation once, as revoked, expired or reconciled; the reason the
    // lease carries tells them apart (EXPIRED, CREATE_FAILED, MANUAL, ...).
    String reason = lease.revokeReason() == null ? "unknown" : tagValue(lease.revokeReason());
    revoked(lease.secretName(), reason).increment();
  }

  private Counter created(String secret) {
    return Counter.builder(MeterNames.CREATED)
        .description("Leases created: recorded, credential made, active")
        .baseUnit("leases")
        .tag(MeterNames.SECRET, secret)
        .register(registry);
  }

  private Counter renewed(String secret) {
    return Counter.builder(MeterNames.RENEWED)
        .description("Lease renewals")
        .baseUnit("leases")
        .tag(MeterNames.SECRET, secret)
        .register(registry);
  }

  private Counter revoked(String secret, String reason) {
    return Counter.builder(MeterNames.REVOKED)
        .description("Leases revoked, their credential deleted, by reason (expired, manual, ...)")
        .baseUnit("leases")
        .tag(MeterNames.SECRET, secret)
        .tag(MeterNames.REASON, reason)
        .register(registry);
  }

  private Counter revocationFailures(String secret, String outcome) {
    return Counter.builder(MeterNames.REVOCATION_FAILURES)
        .description("Failed attempts to delete a lease's credential: retry_scheduled, or"
            + " revocation_failed when the lease needs an operator")
        .tag(MeterNames.SECRET, secret)
        .tag(MeterNames.OUTCOME, outcome)
        .register(registry);
  }

  private Counter throttled(String secret) {
    return Counter.builder(MeterNames.PROVIDER_THROTTLED)
        .description("Throttle episodes: the provider's system asked callers to slow down (429,"
            + " Retry-After), and calls to it waited")
        .baseUnit("episodes")
        .tag(MeterNames.SECRET, secret)
        .register(registry);
  }

  private Counter orphans(String secret) {
    return Counter.builder(MeterNames.ORPHANS_DELETED)
        .description("Credentials deleted by the orphan sweep because no lease tracked them")
        .baseUnit("credentials")
        .tag(MeterNames.SECRET, secret)
        .register(registry);
  }
}
