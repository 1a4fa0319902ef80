package dev.dynsecret.apic.simulator.internal;

import dev.dynsecret.apic.simulator.Fault;
import dev.dynsecret.apic.simulator.RequestKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The faults in force, changed at run time by tests while server threads read them. One lock
 * guards the rules and the seeded {@link Random}, so a single-threaded sequence of requests meets
 * the same faults on every run.
 */
public final class FaultInjector {
  private final long seed;
  private final AtomicLong injected = new AtomicLong();
  private volatile Duration latency = Duration.ZERO;

  // guarded by this
  private final List<CountedRule> failNext = new ArrayList<>();
  private RateRule rate;
  private Random random;

  public FaultInjector(long seed) {
    this.seed = seed;
    this.random = new Random(seed);
  }

  public Duration latency() {
    return latency;
  }

  public void latency(Duration perRequest) {
    this.latency = perRequest;
  }

  /** @param mix the faults drawn from, each equally likely */
  public synchronized void errorRate(double share, List<Fault> mix, Set<RequestKind> kinds) {
    rate = share == 0 ? null : new RateRule(share, List.copyOf(mix), kinds);
  }

  public synchronized void failNext(int count, Fault fault, Set<RequestKind> kinds) {
    if (count > 0) {
      failNext.add(new CountedRule(count, fault, kinds));
    }
  }

  /** Removes every fault and the latency; the random sequence and the injected count go on. */
  public synchronized void clear() {
    failNext.clear();
    rate = null;
    latency = Duration.ZERO;
  }

  /** Back to the state at start: no faults, the random sequence restarted, nothing injected. */
  public synchronized void reset() {
    clear();
    random = new Random(seed);
    injected.set(0);
  }

  public long injected() {
    return injected.get();
  }

  public synchronized int pendingFailNext() {
    return failNext.stream().mapToInt(rule -> rule.remaining).sum();
  }

  /** The fault for a request of {@code kind}, consuming a scheduled one; null for none. */
  synchronized Fault pick(RequestKind kind) {
    for (Iterator<CountedRule> it = failNext.iterator(); it.hasNext(); ) {
      CountedRule rule = it.next();
      if (rule.matches(kind)) {
        if (--rule.remaining == 0) {
          it.remove();
        }
        injected.incrementAndGet();
        return rule.fault;
      }
    }
    if (rate != null && rate.matches(kind) && random.nextDouble() < rate.share) {
      injected.incrementAndGet();
      return rate.mix.size() == 1 ? rate.mix.get(0) : rate.mix.get(random.nextInt(rate.mix.size()));
    }
    return null;
  }

  private static final class CountedRule {
    int remaining;
    final Fault fault;
    final Set<RequestKind> kinds;

    CountedRule(int remaining, Fault fault, Set<RequestKind> kinds) {
      this.remaining = remaining;
      this.fault = fault;
      this.kinds = kinds;
    }

    boolean matches(RequestKind kind) {
      return kinds.isEmpty() || kinds.contains(kind);
    }
  }

  private record RateRule(double share, List<Fault> mix, Set<RequestKind> kinds) {
    boolean matches(RequestKind kind) {
      return kinds.isEmpty() || kinds.contains(kind);
    }
  }
}
