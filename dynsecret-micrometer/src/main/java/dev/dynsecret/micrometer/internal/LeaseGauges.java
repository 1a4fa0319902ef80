package dev.dynsecret.micrometer.internal;

import static dev.dynsecret.micrometer.internal.MeterNames.tagValue;

import dev.dynsecret.LeaseManager;
import dev.dynsecret.LeaseState;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Gauges of how many leases of each secret are in each unfinished state, read from the store. */
public final class LeaseGauges {
  private static final Logger log = LoggerFactory.getLogger(LeaseGauges.class);

  /** REVOKED is history (kept for the retention period), not load: it gets no gauge. */
  static final List<LeaseState> STATES =
      List.of(LeaseState.PENDING, LeaseState.ACTIVE, LeaseState.REVOCATION_FAILED);

  private final MeterRegistry registry;
  private final AtomicReference<LeaseManager> manager = new AtomicReference<>();
  private final Set<String> tracked = ConcurrentHashMap.newKeySet();

  public LeaseGauges(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Sets the manager the gauges read; until then nothing is registered. */
  public void bind(LeaseManager target) {
    if (!manager.compareAndSet(null, target) && manager.get() != target) {
      throw new IllegalStateException("these metrics are bound to another LeaseManager already;"
          + " use one DynsecretMetrics per manager");
    }
    registerWindow(target);
    // Secrets seen by the listener before the manager was bound get their gauges now.
    Set.copyOf(tracked).forEach(this::register);
  }

  /** Registers the gauges of {@code secret} once a manager is bound. */
  public void track(String secret) {
    if (tracked.add(secret) && manager.get() != null) {
      register(secret);
    }
  }

  /** The due-work window of the manager: calls in flight and how many may be. */
  private void registerWindow(LeaseManager target) {
    Gauge.builder(MeterNames.DUE_CALLS_IN_FLIGHT, target, m -> m.dueWorkWindow().inFlight())
        .description("Provider calls of background work (expiry, retried revocations,"
            + " reconciliation) in flight on this instance")
        .baseUnit("calls")
        .tag(MeterNames.NODE, target.nodeId())
        .strongReference(true)
        .register(registry);
    Gauge.builder(MeterNames.DUE_CALLS_LIMIT, target, m -> m.dueWorkWindow().limit())
        .description("How many provider calls background work may keep in flight on this"
            + " instance now; adapts to the provider, up to maxInFlight")
        .baseUnit("calls")
        .tag(MeterNames.NODE, target.nodeId())
        .strongReference(true)
        .register(registry);
  }

  private void register(String secret) {
    for (LeaseState state : STATES) {
      // Registering an existing gauge again returns it: this is safe to repeat.
      Gauge.builder(MeterNames.LEASES, () -> count(secret, state))
          .description("Leases in the store by state (pending, active, revocation_failed); the"
              + " whole store, not this instance")
          .baseUnit("leases")
          .tag(MeterNames.SECRET, secret)
          .tag(MeterNames.STATE, tagValue(state))
          .strongReference(true)
          .register(registry);
    }
  }

  private double count(String secret, LeaseState state) {
    LeaseManager target = manager.get();
    if (target == null) {
      return Double.NaN;
    }
    try {
      return target.countLeases(secret, EnumSet.of(state));
    } catch (RuntimeException e) {
      // The store is down or the manager closed: no reading, rather than a wrong zero.
      log.debug("Could not count {} leases of '{}': {}", state, secret, e.toString());
      return Double.NaN;
    }
  }
}
