package dev.dynsecret.apic.simulator;

import dev.dynsecret.apic.simulator.internal.FaultInjector;
import dev.dynsecret.apic.simulator.internal.RateLimiter;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The faults and latency a running {@link ApicSimulator} injects, switched on and off at run time.
 * Safe to call from any thread while requests are in flight; a change applies to requests that
 * arrive after it.
 *
 * <p>Each request first takes a token from the {@linkplain #rateLimit(double, int) rate limit}, if
 * one is set (no token: a {@code 429}), then waits out the {@linkplain #latency(Duration) latency},
 * then meets at most
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
  private final RateLimiter limiter;

  Faults(FaultInjector injector, RateLimiter limiter) {
    this.injector = injector;
    this.limiter = limiter;
  }

  /**
   * Plays a busy platform behind a rate-limiting gateway: a token bucket that holds {@code burst}
   * tokens and gains {@code perSecond} a second; each platform API request (token calls included,
   * gateway calls not) takes one on arrival. A request that finds the bucket empty is answered
   * {@code 429} with APIC's error body ({@code {"status":429,"message":["Rate limit exceeded…"]}})
   * and {@code Retry-After} in whole seconds, at least 1: the time until a token is free, rounded
   * up. It still waits out the {@link #latency(Duration) latency}, and meets no other fault. The
   * bucket starts full and follows the simulator's clock, so a test driving a {@code TestClock}
   * decides when tokens come back. {@link ApicSimulator#rateLimitedCount()} counts the 429s.
   *
   * @param perSecond the average rate allowed, above 0; e.g. 200
   * @param burst how many requests may arrive at once after a quiet spell; at least 1
   * @return this, for chaining
   * @throws IllegalArgumentException if {@code perSecond} is not above 0 or {@code burst} is below 1
   */
  public Faults rateLimit(double perSecond, int burst) {
    if (!(perSecond > 0) || Double.isInfinite(perSecond)) {
      throw new IllegalArgumentException("perSecond: must be a finite number above 0, was "
          + perSecond);
    }
    if (burst < 1) {
      throw new IllegalArgumentException("burst: must be at least 1, was " + burst);
    }
    limiter.limit(perSecond, burst);
    return this;
  }

  /**
   * Turns the {@link #rateLimit(double, int) rate limit} off; {@link #clear()} does too.
   *
   * @return this, for chaining
   */
  public Faults noRateLimit() {
    limiter.off();
    return this;
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
    injector.errorRate(share, List.of(fault), kinds(only));
    return this;
  }

  /**
   * Answers a share of requests with a fault drawn from {@code mix}, each equally likely, replacing
   * any earlier rate: the way to play a platform that fails in every way at once.
   *
   * <pre>{@code
   * sim.faults().errorRate(0.3, List.of(
   *     Fault.status(503, Fault.BodyKind.HTML),
   *     Fault.tooManyRequests(Duration.ofSeconds(1)),
   *     Fault.dropConnection(),
   *     Fault.dropConnection().afterProcessing()));   // served, answer lost
   * }</pre>
   *
   * @param share between 0 and 1: the probability each matching request meets a fault
   * @param mix the faults to draw from; at least one
   * @param only the kinds of request affected; none means every kind
   * @return this, for chaining
   * @throws IllegalArgumentException if {@code share} is outside 0..1 or {@code mix} is empty
   */
  public Faults errorRate(double share, List<Fault> mix, RequestKind... only) {
    Objects.requireNonNull(mix, "mix");
    if (mix.isEmpty()) {
      throw new IllegalArgumentException("mix: must hold at least one fault");
    }
    mix.forEach(f -> Objects.requireNonNull(f, "mix"));
    if (!(share >= 0 && share <= 1)) {
      throw new IllegalArgumentException("share: must be between 0 and 1, was " + share);
    }
    injector.errorRate(share, mix, kinds(only));
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
   * Turns every fault, the latency and the rate limit off. Counts of injected faults are kept.
   *
   * @return this, for chaining
   */
  public Faults clear() {
    injector.clear();
    limiter.off();
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
        + (limiter.isOn() ? ", rateLimit=" + limiter.rate() + "/s burst " + limiter.burst() : "")
        + "]";
  }
}
