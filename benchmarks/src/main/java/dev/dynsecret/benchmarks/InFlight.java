package dev.dynsecret.benchmarks;

import dev.dynsecret.LeaseManager;

/**
 * The engine's limit on provider calls in flight for background work, in one place so that the
 * figures switch to the new setting with one edit.
 *
 * <p>The limit is {@code LeaseManager.Builder.maxInFlight(n)}: an adaptive window of in-flight
 * calls with a ceiling of {@code n}.
 */
final class InFlight {
  private InFlight() {}

  /**
   * The engine's default limit, the ideal drain rate's numerator when the figures run with the
   * defaults.
   */
  static final int DEFAULT = 64;

  /** Sets the in-flight limit on {@code builder}. */
  static LeaseManager.Builder limit(LeaseManager.Builder builder, int limit) {
    return builder.maxInFlight(limit);
  }

  /** What the setting is called in result rows. */
  static final String NAME = "maxInFlight";
}
