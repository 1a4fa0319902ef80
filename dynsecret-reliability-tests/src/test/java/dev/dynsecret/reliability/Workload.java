package dev.dynsecret.reliability;

import dev.dynsecret.DynamicSecretException;
import dev.dynsecret.LeaseManager;
import dev.dynsecret.LeaseStateException;
import dev.dynsecret.testkit.TestClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A seeded mix of what an application does with leases: creates (short and long TTLs), renewals,
 * manual revocations, and time passing with due work (expiries, retries, reconciliation). Each
 * {@link #step()} is one operation; failures the caller would see are counted, never thrown.
 */
final class Workload {
  /** One operation. */
  enum Op { CREATE, RENEW, REVOKE, PROCESS_DUE }

  /** What an operation came to. */
  enum Outcome { OK, FAILED, REJECTED }

  private static final List<Duration> TTLS = List.of(
      Duration.ofMinutes(2), Duration.ofMinutes(5), Duration.ofMinutes(10), Duration.ofHours(2));

  private final LeaseManager leases;
  private final TestClock clock;
  private final Random random;
  private final Duration maxAdvance;
  private final List<String> known = new ArrayList<>();
  private final Map<Op, int[]> counts = new EnumMap<>(Op.class);
  private int expiredOrRetried;

  /**
   * @param known leases that exist already, to renew and revoke
   * @param maxAdvance the most time one PROCESS_DUE step moves the clock
   */
  Workload(LeaseManager leases, TestClock clock, long seed, List<String> known, Duration maxAdvance) {
    this.leases = leases;
    this.clock = clock;
    this.random = new Random(seed);
    this.maxAdvance = maxAdvance;
    this.known.addAll(known);
    for (Op op : Op.values()) {
      counts.put(op, new int[Outcome.values().length]);
    }
  }

  /** Runs one operation and returns it. */
  Op step() {
    double r = random.nextDouble();
    Op op = r < 0.45 ? Op.CREATE : r < 0.60 ? Op.RENEW : r < 0.80 ? Op.REVOKE : Op.PROCESS_DUE;
    if ((op == Op.RENEW || op == Op.REVOKE) && known.isEmpty()) {
      op = Op.CREATE;
    }
    Outcome outcome;
    try {
      switch (op) {
        case CREATE -> known.add(leases.create(Apic.SECRET, TTLS.get(random.nextInt(TTLS.size())))
            .lease().id());
        case RENEW -> leases.renew(pick(), Duration.ofMinutes(5));
        case REVOKE -> {
          String id = pick();
          leases.revoke(id);
          known.remove(id); // revoked for good: no point renewing or revoking it again
        }
        case PROCESS_DUE -> {
          clock.advance(Duration.ofMillis(1 + (long) (random.nextDouble() * maxAdvance.toMillis())));
          expiredOrRetried += leases.processDue();
        }
      }
      outcome = Outcome.OK;
    } catch (LeaseStateException | dev.dynsecret.InvalidTtlException e) {
      outcome = Outcome.REJECTED; // expired, revoked, or past its hard limit: the caller's mistake
    } catch (DynamicSecretException e) {
      outcome = Outcome.FAILED; // the provider or the store failed; the engine keeps the rest
    }
    counts.get(op)[outcome.ordinal()]++;
    return op;
  }

  private String pick() {
    return known.get(random.nextInt(known.size()));
  }

  int count(Op op, Outcome outcome) {
    return counts.get(op)[outcome.ordinal()];
  }

  int total(Op op) {
    int sum = 0;
    for (int n : counts.get(op)) {
      sum += n;
    }
    return sum;
  }

  int totalOperations() {
    int sum = 0;
    for (Op op : Op.values()) {
      sum += total(op);
    }
    return sum;
  }

  /** Leases worked by due work during PROCESS_DUE steps. */
  int dueWorked() {
    return expiredOrRetried;
  }

  /** The figures, one line. */
  String summary() {
    StringBuilder text = new StringBuilder();
    for (Op op : Op.values()) {
      int[] c = counts.get(op);
      text.append(String.format("%s %d (ok %d, failed %d, rejected %d); ", op, total(op),
          c[Outcome.OK.ordinal()], c[Outcome.FAILED.ordinal()], c[Outcome.REJECTED.ordinal()]));
    }
    return text.append("due leases worked ").append(expiredOrRetried).toString();
  }
}
