package dev.dynsecret.benchmarks;

import dev.dynsecret.LeaseManager;

/**
 * The engine's limit on provider calls in flight for background work, in one place so that the
 * figures switch to the new setting with one edit.
 *
 * <p>Today the limit is {@code LeaseManager.Builder.parallelism(n)}: a fixed pool of {@code n}
 * worker threads, each batch of claimed leases waited for in full. Issue 12 replaces it with
 * {@code maxInFlight(n)}, an adaptive window of in-flight calls with a ceiling of {@code n}.
 */
final class InFlight {
  private InFlight() {}

  /**
   * The engine's default limit, the ideal drain rate's numerator when the figures run with the
   * defaults.
   */
  // TODO(issue 12, maxInFlight): LeaseManager's default maxInFlight ceiling (>= 64) once it lands.
  static final int DEFAULT = 4;

  /** Sets the in-flight limit on {@code builder}. */
  static LeaseManager.Builder limit(LeaseManager.Builder builder, int limit) {
    // TODO(issue 12, maxInFlight): return builder.maxInFlight(limit);
    return builder.parallelism(limit);
  }

  /** What the setting is called in result rows. */
  // TODO(issue 12, maxInFlight): "maxInFlight"
  static final String NAME = "parallelism";
}
