package dev.dynsecret.micrometer;

import dev.dynsecret.LeaseListener;
import dev.dynsecret.LeaseManager;
import dev.dynsecret.micrometer.internal.LeaseCounters;
import dev.dynsecret.micrometer.internal.LeaseGauges;
import dev.dynsecret.micrometer.internal.TimedProvider;
import dev.dynsecret.spi.DynamicSecretProvider;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Objects;

/**
 * Micrometer meters for a {@link LeaseManager}: counters of what happened to leases, timers of
 * the calls made to providers, and gauges of the leases in the store. A manager is instrumented in
 * two steps, because counters come from a {@link LeaseListener} the manager is built with and
 * gauges read the built manager:
 *
 * <pre>{@code
 * DynsecretMetrics metrics = DynsecretMetrics.of(registry);
 * LeaseManager leases = LeaseManager.builder()
 *     .store(store)
 *     .listener(metrics.listener())                          // counters
 *     .provider(metrics.timed(new ApiConnectProvider()))     // provider call timers (optional)
 *     .build();
 * metrics.bind(leases);                                      // gauges
 * }</pre>
 *
 * <p>Every meter is named {@code dynsecret.…} and tagged only with values from configuration or
 * from small fixed sets (secret name, provider type, operation, reason, outcome, state), never with
 * a lease id; the module's README lists them. Gauges count the whole store, so several
 * application instances sharing one store each report the same numbers: aggregate them with
 * {@code max}, not {@code sum}.
 *
 * <p>One instance serves one manager. It is safe to use from many threads.
 */
public final class DynsecretMetrics {
  private final MeterRegistry registry;
  private final LeaseGauges gauges;
  private final LeaseCounters counters;

  private DynsecretMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.gauges = new LeaseGauges(registry);
    this.counters = new LeaseCounters(registry, gauges::track);
  }

  /**
   * Meters that will be registered in {@code registry}. Nothing is registered until a manager
   * built with {@link #listener()} reports a lease, or {@link #bind} is called.
   *
   * @param registry the registry to register the meters in
   * @return the metrics
   */
  public static DynsecretMetrics of(MeterRegistry registry) {
    return new DynsecretMetrics(Objects.requireNonNull(registry, "registry"));
  }

  /**
   * {@return the listener to build the manager with ({@link LeaseManager.Builder#listener}); it
   * counts
   * leases created, renewed and revoked, failed revocations and deleted orphans}
   */
  public LeaseListener listener() {
    return counters;
  }

  /**
   * {@code provider} with every call it makes to its external system timed as {@code
   * dynsecret.provider.calls}, tagged with the provider type, the operation and its outcome.
   * Register the result with {@link LeaseManager.Builder#provider}; it behaves exactly as {@code
   * provider} does (same type, same abilities, same exceptions).
   *
   * @param provider the provider to time
   * @return the timed provider
   */
  public DynamicSecretProvider timed(DynamicSecretProvider provider) {
    Objects.requireNonNull(provider, "provider");
    return provider instanceof TimedProvider ? provider : new TimedProvider(provider, registry);
  }

  /**
   * Registers the gauges of {@code manager}: for every registered dynamic secret, how many of its
   * leases are pending, active or {@code REVOCATION_FAILED}. Secrets registered later get their
   * gauges when their first lease is reported, or at once by calling this again. Each reading
   * counts leases in the store ({@link LeaseManager#countLeases}); a reading that fails (the
   * store down, the manager closed) is {@code NaN}.
   *
   * @param manager the manager whose leases to count
   * @throws IllegalStateException if another manager is bound already
   */
  public void bind(LeaseManager manager) {
    gauges.bind(Objects.requireNonNull(manager, "manager"));
    manager.secrets().forEach(secret -> {
      gauges.track(secret.name());
      counters.track(secret.name());
    });
  }
}
