package dev.dynsecret.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dynsecret.Lease;
import dev.dynsecret.LeaseManager;
import dev.dynsecret.LeaseState;
import dev.dynsecret.LeaseQuery;
import dev.dynsecret.Page;
import dev.dynsecret.spi.LeaseRecord;
import dev.dynsecret.spi.LeaseStore;
import dev.dynsecret.testkit.TestClock;
import dev.dynsecret.apic.simulator.ApicSimulator;
import dev.dynsecret.apic.simulator.LiveCredential;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/** Reads every lease and every live credential and checks that they agree. */
final class Ledger {
  private Ledger() {}

  static List<Lease> allLeases(LeaseManager leases) {
    List<Lease> all = new ArrayList<>();
    LeaseQuery query = LeaseQuery.all(1000);
    Page<Lease> page;
    do {
      page = leases.list(query);
      all.addAll(page.items());
      query = query.after(page.nextCursor());
    } while (page.hasNext());
    return all;
  }

  /** Every lease as the store keeps it, with the engine's bookkeeping (claims, revoking node). */
  static List<LeaseRecord> allRecords(LeaseStore store) {
    List<LeaseRecord> all = new ArrayList<>();
    LeaseQuery query = LeaseQuery.all(1000);
    Page<LeaseRecord> page;
    do {
      page = store.query(query);
      all.addAll(page.items());
      query = query.after(page.nextCursor());
    } while (page.hasNext());
    return all;
  }

  static Map<LeaseState, Integer> byState(List<Lease> leases) {
    Map<LeaseState, Integer> counts = new EnumMap<>(LeaseState.class);
    for (Lease lease : leases) {
      counts.merge(lease.state(), 1, Integer::sum);
    }
    return counts;
  }

  /** Whether some lease still has work coming: a create to clean up or a revocation to finish. */
  static boolean unsettled(List<Lease> leases) {
    return leases.stream().anyMatch(l -> l.state() == LeaseState.PENDING || l.revocationPending());
  }

  /**
   * Moves time in {@code step}s and works due leases until nothing is unsettled and a pass finds
   * nothing due, at most {@code maxPasses} times.
   *
   * @return how many passes it took
   */
  static int settle(LeaseManager leases, TestClock clock, Duration step, int maxPasses) {
    for (int pass = 1; pass <= maxPasses; pass++) {
      int worked = leases.processDue();
      if (worked == 0 && !unsettled(allLeases(leases))) {
        return pass;
      }
      clock.advance(step);
    }
    throw new AssertionError("leases still unsettled after " + maxPasses + " passes: "
        + byState(allLeases(leases)));
  }

  /**
   * The promise: the credentials that exist are exactly those of the active leases, each with the
   * id its lease recorded; no lease is pending, awaiting revocation, or failed.
   */
  static void assertCredentialsMatchActiveLeases(LeaseManager leases, ApicSimulator apic) {
    List<Lease> all = allLeases(leases);
    Map<String, String> expected = new TreeMap<>();
    for (Lease lease : all) {
      if (lease.state() == LeaseState.ACTIVE) {
        expected.put("dynsecret-" + lease.id(), lease.externalId());
      }
    }
    Map<String, String> live = new TreeMap<>();
    for (LiveCredential credential : apic.liveCredentials()) {
      live.put(credential.name(), credential.id());
    }
    TreeSet<String> withoutLease = new TreeSet<>(live.keySet());
    withoutLease.removeAll(expected.keySet());
    TreeSet<String> withoutCredential = new TreeSet<>(expected.keySet());
    withoutCredential.removeAll(live.keySet());
    assertEquals(List.of(), List.copyOf(withoutLease), "credentials no active lease tracks");
    assertEquals(List.of(), List.copyOf(withoutCredential), "active leases without a credential");
    assertEquals(expected, live, "active leases record the id of their credential");
    Map<LeaseState, Integer> states = byState(all);
    assertEquals(0, states.getOrDefault(LeaseState.PENDING, 0), "pending leases: " + states);
    assertEquals(0, states.getOrDefault(LeaseState.REVOCATION_FAILED, 0), "failed: " + states);
    assertEquals(0, all.stream().filter(Lease::revocationPending).count(), "revocations pending");
  }
}
