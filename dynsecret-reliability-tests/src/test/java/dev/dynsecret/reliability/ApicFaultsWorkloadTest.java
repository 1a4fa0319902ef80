package dev.dynsecret.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynsecret.Lease;
import dev.dynsecret.LeaseListener;
import dev.dynsecret.LeaseManager;
import dev.dynsecret.LeaseState;
import dev.dynsecret.OrphanSweepReport;
import dev.dynsecret.RetryPolicy;
import dev.dynsecret.memory.MemoryLeaseStore;
import dev.dynsecret.testkit.TestClock;
import dev.dynsecret.apic.simulator.ApicSimulator;
import dev.dynsecret.apic.simulator.Fault;
import dev.dynsecret.apic.simulator.RequestKind;
import dev.dynsecret.apic.simulator.Seed;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A long workload through a {@link LeaseManager} against the APIC simulator while it fails a share
 * of all requests: error pages, rate limits with {@code Retry-After}, stalls past the provider's
 * timeout, dropped connections, and answers lost after the platform acted. Once the faults stop and
 * the engine has caught up, the live credentials are exactly those of the active leases.
 */
class ApicFaultsWorkloadTest {
  private static final long SEED = 20261127L;
  private static final int OPERATIONS = 1_200;
  private static final int OPERATIONS_PER_FAULT = 100;
  private static final double FAULT_SHARE = 0.15;

  /** Every fault the scenario cycles through, one kind at a time. */
  private static final List<Fault> FAULTS = List.of(
      Fault.status(503, Fault.BodyKind.HTML),
      Fault.status(502, Fault.BodyKind.HTML),
      Fault.status(500, Fault.BodyKind.JSON),
      Fault.tooManyRequests(Duration.ofSeconds(1)),
      Fault.stall(),
      Fault.stall().afterProcessing(),
      Fault.dropConnection(),
      Fault.dropConnection().afterProcessing(),
      Fault.status(504, Fault.BodyKind.HTML).afterProcessing(),
      Fault.truncatedBody());

  private final TestClock clock = TestClock.standard();
  private final AtomicInteger reconciled = new AtomicInteger();
  private final AtomicInteger retriesScheduled = new AtomicInteger();
  private ApicSimulator apic;
  private LeaseManager leases;

  @BeforeEach
  void start() {
    // Stalls end (the server drops the connection) after 2 s; the provider gives up after 0.5 s.
    apic = ApicSimulator.builder().faultSeed(SEED).maxStall(Duration.ofSeconds(2)).maxPageSize(50)
        .start();
    Seed seed = apic.seed();
    leases = LeaseManager.builder()
        .store(new MemoryLeaseStore())
        .clock(clock)
        .nodeId("node-1")
        .maxInFlight(4)
        .pendingGracePeriod(Duration.ofMinutes(1))
        .claimTimeout(Duration.ofMinutes(1))
        .retryPolicy(new RetryPolicy(12, Duration.ofSeconds(1), Duration.ofSeconds(30), 2.0, 0.0))
        .listener(new LeaseListener() {
          @Override
          public void reconciled(Lease lease) {
            reconciled.incrementAndGet();
          }

          @Override
          public void revocationRetryScheduled(Lease lease) {
            retriesScheduled.incrementAndGet();
          }
        })
        .secret(Apic.secret(apic.baseUrl(), apic.apiKey().reveal(), apic.clientId(),
            apic.clientSecret().reveal(), seed.org().name(), seed.catalog().name(),
            seed.app().name(), Duration.ofHours(3)))
        .build();
  }

  @AfterEach
  void stop() {
    leases.close();
    apic.close();
  }

  @Test
  void afterAThousandOperationsUnderRandomFaultsTheLiveCredentialsAreExactlyThoseOfTheActiveLeases() {
    long started = System.nanoTime();
    Random faultPicker = new Random(SEED);
    Workload workload = new Workload(leases, clock, SEED, List.of(), Duration.ofSeconds(30));
    for (int i = 0; i < OPERATIONS; i++) {
      if (i % OPERATIONS_PER_FAULT == 0) {
        apic.faults().errorRate(FAULT_SHARE, FAULTS.get(faultPicker.nextInt(FAULTS.size())));
      }
      workload.step();
    }
    apic.faults().clear();
    long faults = apic.faults().injected();
    Map<RequestKind, Long> requests = apic.requestCounts();

    int passes = Ledger.settle(leases, clock, Duration.ofSeconds(30), 200);
    OrphanSweepReport sweep = leases.sweepOrphans(Apic.SECRET, true);

    List<Lease> all = Ledger.allLeases(leases);
    Map<LeaseState, Integer> states = Ledger.byState(all);
    System.out.printf("APIC faults: %d operations (%s); %d of %d requests faulted (share %.2f,"
            + " %d fault kinds); %d leases reconciled, %d revocation retries scheduled; caught up in %d passes; final states %s;"
            + " %d live credentials; orphan sweep (dry run) found %d; %.1f s%n",
        workload.totalOperations(), workload.summary(), faults,
        requests.values().stream().mapToLong(Long::longValue).sum(), FAULT_SHARE, FAULTS.size(),
        reconciled.get(), retriesScheduled.get(), passes, states, apic.liveCredentialCount(), sweep.orphans().size(),
        (System.nanoTime() - started) / 1e9);
    System.out.println("APIC requests by kind: " + requests);

    assertTrue(workload.totalOperations() >= 1_000);
    assertTrue(faults >= 50, "too few faults injected to prove anything: " + faults);
    assertTrue(workload.count(Workload.Op.CREATE, Workload.Outcome.FAILED) > 0,
        "no create failed: the faults missed the case reconciliation exists for");
    assertTrue(states.getOrDefault(LeaseState.ACTIVE, 0) > 0, "no active lease left to compare");
    Ledger.assertCredentialsMatchActiveLeases(leases, apic);
    assertEquals(0, sweep.orphans().size(), "the sweep finds nothing the engine missed");
  }
}
