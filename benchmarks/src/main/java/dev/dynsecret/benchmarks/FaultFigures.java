package dev.dynsecret.benchmarks;

import static dev.dynsecret.benchmarks.Scenarios.say;

import dev.dynsecret.CreatedLease;
import dev.dynsecret.DynamicSecret;
import dev.dynsecret.LeaseManager;
import dev.dynsecret.ReconciliationReport;
import dev.dynsecret.apic.ApiConnectProvider;
import dev.dynsecret.apic.simulator.Fault;
import dev.dynsecret.apic.simulator.LiveCredential;
import dev.dynsecret.memory.MemoryLeaseStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Figure 10: {@code create()} against an APIC that faults 30 % of requests, every kind of fault
 * a busy SaaS instance and the network in front of it give. What a caller sees (how many creates
 * succeed), what it costs the APIC (requests per create), and what is left behind (credentials no
 * lease holds), right after the creates and after {@code reconcile()}.
 */
final class FaultFigures {
  static final double SHARE = 0.3;

  /**
   * The kinds, rotating create by create (the simulator draws one kind at a time): gateway
   * errors, throttling, a dropped connection before and after the credential was made (the
   * second is a create whose answer is lost), and a body cut short after it was made.
   */
  static final Map<String, Fault> KINDS = kinds();

  private FaultFigures() {}

  private static Map<String, Fault> kinds() {
    Map<String, Fault> k = new java.util.LinkedHashMap<>();
    k.put("503 HTML", Fault.status(503, Fault.BodyKind.HTML));
    k.put("502 empty", Fault.status(502, Fault.BodyKind.EMPTY));
    k.put("504 HTML", Fault.status(504, Fault.BodyKind.HTML));
    k.put("429 Retry-After 1 s", Fault.tooManyRequests(Duration.ofSeconds(1)));
    k.put("connection dropped", Fault.dropConnection());
    k.put("connection dropped after the create", Fault.dropConnection().afterProcessing());
    k.put("body truncated after the create", Fault.truncatedBody());
    return k;
  }

  static List<Row> createUnderFaults(Scenarios.Mode mode) throws Exception {
    int creates = mode.pick(140, 700);
    Duration grace = Duration.ofSeconds(2);
    List<Fault> rotation = new ArrayList<>(KINDS.values());
    try (SimulatedApic apic = new SimulatedApic(16);
        LeaseManager manager = LeaseManager.builder()
            .store(new MemoryLeaseStore())
            .provider(new ApiConnectProvider())
            .discoverProviders(false)
            // Short, so that reconcile() at the end may clean up creates that did not complete.
            .pendingGracePeriod(grace)
            .secret(DynamicSecret.builder(ApicFigures.SECRET)
                .provider(ApiConnectProvider.TYPE, apic.config())
                .defaultTtl(Duration.ofHours(1)).maxTtl(Duration.ofHours(8)).build())
            .build()) {
      // One clean create first: the token is fetched and cached, as in any running application.
      manager.revoke(manager.create(ApicFigures.SECRET).lease().id());
      long requestsBefore = apic.sim.requestCount();
      long injectedBefore = apic.sim.faults().injected();
      List<CreatedLease> held = new ArrayList<>();
      Map<String, Integer> failures = new TreeMap<>();
      long started = System.nanoTime();
      for (int i = 0; i < creates; i++) {
        apic.sim.faults().errorRate(SHARE, rotation.get(i % rotation.size()));
        try {
          held.add(manager.create(ApicFigures.SECRET));
        } catch (RuntimeException e) {
          failures.merge(e.getClass().getSimpleName(), 1, Integer::sum);
        }
      }
      double seconds = (System.nanoTime() - started) / 1e9;
      apic.sim.faults().clear();
      long requests = apic.sim.requestCount() - requestsBefore;
      long injected = apic.sim.faults().injected() - injectedBefore;
      int leftRightAfter = orphans(apic, held);
      Thread.sleep(grace.toMillis() + 500); // let the failed creates' grace period lapse
      ReconciliationReport report = manager.reconcile();
      int leftAfterReconcile = orphans(apic, held);
      say(String.format("figure 10: %d creates in %.1f s, %d succeeded, failures %s, %d requests"
              + " (%d faulted), left behind %d, after reconcile %d (%s)", creates, seconds,
          held.size(), failures, requests, injected, leftRightAfter, leftAfterReconcile, report));
      for (CreatedLease lease : held) {
        manager.revoke(lease.lease().id());
      }
      double share = (double) held.size() / creates;
      double extra = (double) (requests - creates) / creates;
      String what = String.format("create() × %,d, 1 caller, the simulator faulting %.0f %% of"
          + " requests (%s, rotating create by create), defaults", creates, SHARE * 100,
          String.join(", ", KINDS.keySet()));
      return List.of(
          Row.judged(10, what, String.format("**%.1f %% succeed** (%d of %d; failures: %s)",
              share * 100, held.size(), creates, failures.isEmpty() ? "none" : failures),
              "100 %", held.size() == creates),
          Row.judged(10, "same run: credentials left behind (live on the APIC, held by no"
                  + " caller) right after the creates",
              String.format("**%d** (after reconcile(): %d)", leftRightAfter, leftAfterReconcile),
              "0", leftRightAfter == 0),
          Row.context(10, "same run: requests per create beyond the one a create needs",
              String.format("%.2f (%,d requests for %,d creates, %,d faulted; %.1f s in all)",
                  extra, requests, creates, injected, seconds)));
    }
  }

  /** Credentials live on the simulator that no caller holds. */
  private static int orphans(SimulatedApic apic, List<CreatedLease> held) {
    Set<String> mine = new HashSet<>();
    for (CreatedLease c : held) {
      mine.add(c.lease().externalId());
    }
    int orphans = 0;
    for (LiveCredential live : apic.sim.liveCredentials()) {
      if (!mine.contains(live.id())) {
        orphans++;
      }
    }
    return orphans;
  }
}
