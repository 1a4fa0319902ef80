package dev.dynsecret.apic.simulator;

import dev.dynsecret.apic.simulator.internal.FaultInjector;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * The faults and latency a running {@link ApicSimulator} injects, switched on and off at run time.
 * Safe to call from any thread while requests are in flight; a change applies to requests that
 * arrive after it.
 *
 * <p>Each request first waits out the {@linkplain #latency(Duration) latency}, then meets at most
 * one fault: the oldest {@link #failNext(int, Fault, RequestKind...) scheduled} one that matches
 * its kind, else the {@link #errorRate(double, Fault, RequestKind...) error rate}'s draw. The rate
 * draws from a {@link java.util.Random} seeded by
 * {@link ApicSimulator.Builder#faultSeed(long)}, so a single-threaded test meets the same faults on
 * every run.
 *
 * <pre>{@code
 * sim.faults().failNext(2, Fault.status(503, Fault.BodyKind.HTML), RequestKind.CREATE_CREDENTIAL);
 * sim.faults().failNext(1, Fault.dropConnection().afterProcessing(), RequestKind.DELETE_CREDENTIAL);
 * sim.faults().errorRate(0.2, Fault.tooManyRequests(Duration.ofSeconds(1)));
 * sim.faults().clear();
 * }</pre>
 */
public final class Faults {
  private final FaultInjector injector;

  Faults(FaultInjector injector) {
    this.injector = injector;
  }

  /**
   * Delays every request by {@code perRequest} of real time before it is served (or faulted);
   * {@link Duration#ZERO} turns the delay off. Closing the simulator cuts delays short.
   *
   * @param perRequest the delay per request; {@link java.time.Duration#ZERO} for none
   * @return this, for chaining
   * @throws IllegalArgumentException if {@code perRequest} is negative
   */
  public Faults latency(Duration perRequest) {
    Objects.requireNonNull(perRequest, "perRequest");
    if (perRequest.isNegative()) {
      throw new IllegalArgumentException("latency: must not be negative, was " + perRequest);
    }
    injector.latency(perRequest);
    return this;
  }

  /** {@return the current per-request delay} */
  public Duration latency() {
    return injector.latency();
  }

  /**
   * Answers a share of requests with {@code fault}, replacing any earlier rate. A share of 0 turns
   * the rate off.
   *
   * @param share between 0 and 1: the probability each matching request meets the fault
   * @param fault what those requests get
   * @param only the kinds of request affected; none means every kind
   * @return this, for chaining
   * @throws IllegalArgumentException if {@code share} is outside 0..1
   */
  public Faults errorRate(double share, Fault fault, RequestKind... only) {
    Objects.requireNonNull(fault, "fault");
    if (!(share >= 0 && share <= 1)) {
      throw new IllegalArgumentException("share: must be between 0 and 1, was " + share);
    }
    injector.errorRate(share, fault, kinds(only));
    return this;
  }

  /**
   * Answers the next {@code count} matching requests with {@code fault}. Calls add up: each
   * schedule is used in the order it was made.
   *
   * @param count how many requests fail; at least 1
   * @param fault what those requests get
   * @param only the kinds of request affected; none means every kind
   * @return this, for chaining
   * @throws IllegalArgumentException if {@code count} is below 1
   */
  public Faults failNext(int count, Fault fault, RequestKind... only) {
    Objects.requireNonNull(fault, "fault");
    if (count < 1) {
      throw new IllegalArgumentException("count: must be at least 1, was " + count);
    }
    injector.failNext(count, fault, kinds(only));
    return this;
  }

  /**
   * Turns every fault and the latency off. Counts of injected faults are kept.
   *
   * @return this, for chaining
   */
  public Faults clear() {
    injector.clear();
    return this;
  }

  /** {@return how many scheduled ({@link #failNext}) failures are still to come} */
  public int pending() {
    return injector.pendingFailNext();
  }

  /** {@return how many faults have been injected since start or {@link ApicSimulator#reset()}} */
  public long injected() {
    return injector.injected();
  }

  private static Set<RequestKind> kinds(RequestKind... only) {
    Objects.requireNonNull(only, "only");
    if (only.length == 0) {
      return Set.of();
    }
    EnumSet<RequestKind> kinds = EnumSet.noneOf(RequestKind.class);
    for (RequestKind kind : only) {
      kinds.add(Objects.requireNonNull(kind, "only"));
    }
    return kinds;
  }

  @Override
  public String toString() {
    return "Faults[latency=" + latency() + ", pending=" + pending() + ", injected=" + injected()
        + "]";
  }
}
