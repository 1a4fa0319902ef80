package dev.dynsecret.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynsecret.DefinitiveProviderException;
import dev.dynsecret.DynamicSecret;
import dev.dynsecret.Lease;
import dev.dynsecret.LeaseManager;
import dev.dynsecret.ProviderConfig;
import dev.dynsecret.ProviderException;
import dev.dynsecret.RetryPolicy;
import dev.dynsecret.TransientProviderException;
import dev.dynsecret.memory.MemoryLeaseStore;
import dev.dynsecret.spi.CreatedCredential;
import dev.dynsecret.spi.CredentialRef;
import dev.dynsecret.spi.DynamicSecretProvider;
import dev.dynsecret.spi.ProviderConnection;
import dev.dynsecret.spi.ProviderContext;
import dev.dynsecret.testkit.RecordingProvider;
import dev.dynsecret.testkit.TestClock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class DynsecretMetricsTest {
  private final MockClock meterClock = new MockClock();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry(SimpleConfig.DEFAULT, meterClock);
  private final TestClock clock = TestClock.standard();
  private final RecordingProvider provider = new RecordingProvider();
  private final DynsecretMetrics metrics = DynsecretMetrics.of(registry);
  private final List<LeaseManager> managers = new ArrayList<>();
  private LeaseManager leases;

  @BeforeEach
  void build() {
    leases = manager(metrics, RetryPolicy.DEFAULT);
    leases.register(secret("orders-api"));
    metrics.bind(leases);
  }

  @AfterEach
  void close() {
    managers.forEach(LeaseManager::close);
  }

  private LeaseManager manager(DynsecretMetrics m, RetryPolicy retries) {
    LeaseManager built = LeaseManager.builder()
        .store(new MemoryLeaseStore())
        .clock(clock)
        .listener(m.listener())
        .provider(m.timed(provider))
        .retryPolicy(retries)
        .build();
    managers.add(built);
    return built;
  }

  private static DynamicSecret secret(String name) {
    return DynamicSecret.builder(name)
        .provider(RecordingProvider.TYPE, ProviderConfig.empty())
        .defaultTtl(Duration.ofMinutes(10))
        .maxTtl(Duration.ofHours(1))
        .build();
  }

  private double counter(String name, String... tags) {
    Counter counter = registry.find(name).tags(tags).counter();
    assertNotNull(counter, name + " " + List.of(tags) + " is registered");
    return counter.count();
  }

  private double gauge(String secret, String state) {
    Gauge gauge = registry.find("dynsecret.leases.current").tags("secret", secret, "state", state).gauge();
    assertNotNull(gauge, "gauge of " + secret + "/" + state + " is registered");
    return gauge.value();
  }

  private Timer timer(String operation, String outcome) {
    return registry.find("dynsecret.provider.calls")
        .tags("type", RecordingProvider.TYPE, "operation", operation, "outcome", outcome)
        .timer();
  }

  @Nested
  class Counters {
    @Test
    void everyCounterOfABoundSecretExistsAtZeroBeforeAnyLease() {
      assertEquals(0, counter("dynsecret.leases.created", "secret", "orders-api"));
      assertEquals(0, counter("dynsecret.leases.renewed", "secret", "orders-api"));
      for (String reason : List.of("manual", "expired", "forced", "secret_removed", "create_failed")) {
        assertEquals(0, counter("dynsecret.leases.revoked", "secret", "orders-api", "reason", reason));
      }
      assertEquals(0, counter("dynsecret.revocations.failed", "secret", "orders-api", "outcome", "retry_scheduled"));
      assertEquals(0, counter("dynsecret.revocations.failed", "secret", "orders-api", "outcome", "revocation_failed"));
      assertEquals(0, counter("dynsecret.orphans.deleted", "secret", "orders-api"));
    }

    @Test
    void createdRenewedAndRevokedAreCountedPerSecretAndReason() {
      leases.register(secret("billing-api"));
      String first = leases.create("orders-api").lease().id();
      leases.create("orders-api");
      leases.create("billing-api");
      leases.renew(first);
      leases.revoke(first);
      leases.forceRevoke(leases.create("billing-api").lease().id());

      assertEquals(2, counter("dynsecret.leases.created", "secret", "orders-api"));
      assertEquals(2, counter("dynsecret.leases.created", "secret", "billing-api"));
      assertEquals(1, counter("dynsecret.leases.renewed", "secret", "orders-api"));
      assertEquals(0, counter("dynsecret.leases.renewed", "secret", "billing-api"));
      assertEquals(1, counter("dynsecret.leases.revoked", "secret", "orders-api", "reason", "manual"));
      assertEquals(1, counter("dynsecret.leases.revoked", "secret", "billing-api", "reason", "forced"));
    }

    @Test
    void anExpiryIsARevocationWithReasonExpired() {
      leases.create("orders-api", Duration.ofMinutes(1));
      clock.advance(Duration.ofMinutes(2));
      assertEquals(1, leases.processDue());

      assertEquals(1, counter("dynsecret.leases.revoked", "secret", "orders-api", "reason", "expired"));
      assertEquals(0, counter("dynsecret.leases.revoked", "secret", "orders-api", "reason", "manual"));
    }

    @Test
    void aCreateThatNeverCompletedIsCountedWhenReconciled() {
      provider.loseNextCreateAnswers(1);
      assertThrows(TransientProviderException.class, () -> leases.create("orders-api"));
      assertEquals(0, counter("dynsecret.leases.created", "secret", "orders-api"));

      clock.advance(Duration.ofMinutes(6)); // past the pending grace period
      leases.reconcile();

      assertEquals(1, counter("dynsecret.leases.revoked", "secret", "orders-api", "reason", "create_failed"));
    }

    @Test
    void failedRevocationsAreCountedAsRetriedThenAsGivenUp() {
      // A manager that gives up after two attempts, with its own metrics on its own registry.
      DynsecretMetrics other = metrics2();
      LeaseManager twoAttempts = manager(other, new RetryPolicy(2, Duration.ofSeconds(1),
          Duration.ofSeconds(1), 1.0, 0.0));
      twoAttempts.register(secret("orders-api"));
      other.bind(twoAttempts);
      String id = twoAttempts.create("orders-api").lease().id();
      provider.failAllRevokes(() -> new TransientProviderException("503 (test)"));

      assertThrows(TransientProviderException.class, () -> twoAttempts.revoke(id));
      assertEquals(1, otherCounter("dynsecret.revocations.failed", "outcome", "retry_scheduled"));
      assertEquals(0, otherCounter("dynsecret.revocations.failed", "outcome", "revocation_failed"));

      clock.advance(Duration.ofSeconds(2));
      twoAttempts.processDue();
      assertEquals(1, otherCounter("dynsecret.revocations.failed", "outcome", "revocation_failed"));
      assertEquals(1, otherRegistry.find("dynsecret.leases.current")
          .tags("secret", "orders-api", "state", "revocation_failed").gauge().value());
    }

    @Test
    void orphansDeletedByTheSweepAreCounted() {
      String id = leases.create("orders-api").lease().id();
      provider.failNextRevokes(1, () -> new TransientProviderException("503 (test)"));
      leases.forceRevoke(id); // revoked in the store; its credential is still there: an orphan

      assertEquals(1, leases.sweepOrphans("orders-api", false).deleted());
      assertEquals(1, counter("dynsecret.orphans.deleted", "secret", "orders-api"));
    }
  }

  private SimpleMeterRegistry otherRegistry;

  private DynsecretMetrics metrics2() {
    otherRegistry = new SimpleMeterRegistry();
    DynsecretMetrics other = DynsecretMetrics.of(otherRegistry);
    return other;
  }

  private double otherCounter(String name, String... tags) {
    List<String> all = new ArrayList<>(List.of("secret", "orders-api"));
    all.addAll(List.of(tags));
    Counter counter = otherRegistry.find(name).tags(all.toArray(String[]::new)).counter();
    assertNotNull(counter, name + " " + all);
    return counter.count();
  }

  @Nested
  class Gauges {
    @Test
    void countLeasesInTheStoreByState() {
      assertEquals(0, gauge("orders-api", "active"));
      String a = leases.create("orders-api").lease().id();
      leases.create("orders-api");
      assertEquals(2, gauge("orders-api", "active"));
      assertEquals(0, gauge("orders-api", "pending"));
      assertEquals(0, gauge("orders-api", "revocation_failed"));

      leases.revoke(a);
      assertEquals(1, gauge("orders-api", "active"));

      provider.loseNextCreateAnswers(1);
      assertThrows(TransientProviderException.class, () -> leases.create("orders-api"));
      assertEquals(1, gauge("orders-api", "pending"), "a create whose answer was lost stays pending");
    }

    @Test
    void leaseStateFailedCountsLeasesThatNeedAnOperator() {
      String id = leases.create("orders-api").lease().id();
      provider.failAllRevokes(() -> new DefinitiveProviderException("403 (test)"));
      assertThrows(DefinitiveProviderException.class, () -> leases.revoke(id));

      assertEquals(1, gauge("orders-api", "revocation_failed"));
      assertEquals(0, gauge("orders-api", "active"));
      assertEquals(1, counter("dynsecret.revocations.failed", "secret", "orders-api", "outcome", "revocation_failed"));
    }

    @Test
    void aSecretRegisteredAfterBindingGetsGaugesWithItsFirstLease() {
      leases.register(secret("late-api"));
      assertNull(registry.find("dynsecret.leases.current").tags("secret", "late-api").gauge());

      leases.create("late-api");
      assertEquals(1, gauge("late-api", "active"));
    }

    @Test
    void bindingAgainPicksUpSecretsRegisteredSince() {
      leases.register(secret("late-api"));
      metrics.bind(leases);
      assertEquals(0, gauge("late-api", "active"));
      assertEquals(0, counter("dynsecret.leases.created", "secret", "late-api"));
    }

    @Test
    void aClosedManagerReadsAsNoValueRatherThanZero() {
      leases.create("orders-api");
      leases.close();
      assertTrue(Double.isNaN(gauge("orders-api", "active")));
    }

    @Test
    void oneMetricsInstanceServesOneManager() {
      LeaseManager another = manager(metrics, RetryPolicy.DEFAULT);
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> metrics.bind(another));
      assertTrue(e.getMessage().contains("another LeaseManager"), e.getMessage());
    }

    @Test
    void leasesReportedBeforeBindingGetGaugesWhenBound() {
      DynsecretMetrics fresh = DynsecretMetrics.of(registry);
      LeaseManager unbound = manager(fresh, RetryPolicy.DEFAULT);
      unbound.register(secret("early-api"));
      unbound.create("early-api");
      assertNull(registry.find("dynsecret.leases.current").tags("secret", "early-api").gauge());

      fresh.bind(unbound);
      assertEquals(1, gauge("early-api", "active"));
    }
  }

  @Nested
  class ProviderCallTimers {
    @Test
    void eachCallIsTimedByOperationAndOutcome() {
      provider.onCreate(lease -> meterClock.add(250, TimeUnit.MILLISECONDS));
      String id = leases.create("orders-api").lease().id();
      leases.renew(id);
      leases.revoke(id);
      leases.verify("orders-api");

      Timer create = timer("create", "success");
      assertNotNull(create);
      assertEquals(1, create.count());
      assertEquals(250, create.totalTime(TimeUnit.MILLISECONDS), 0.001, "the time the provider took");
      assertEquals(1, timer("renew", "success").count());
      assertEquals(1, timer("revoke", "success").count());
      assertEquals(1, timer("verify", "success").count());
    }

    @Test
    void failuresAreToldApartAsTheEngineTellsThemApart() {
      String id = leases.create("orders-api").lease().id();
      provider.failNextRevokes(1, () -> new TransientProviderException("503 (test)"));
      provider.failNextRevokes(1, () -> new TransientProviderException("429 (test)", null, Duration.ofSeconds(3)));
      provider.failNextRevokes(1, () -> new DefinitiveProviderException("403 (test)"));
      provider.failNextCreates(1, () -> new IllegalStateException("a bug in a provider (test)"));

      assertThrows(TransientProviderException.class, () -> leases.revoke(id));
      clock.advance(Duration.ofMinutes(1));
      assertThrows(ProviderException.class, () -> leases.revoke(id));
      clock.advance(Duration.ofMinutes(1));
      assertThrows(DefinitiveProviderException.class, () -> leases.revoke(id));
      assertThrows(RuntimeException.class, () -> leases.create("orders-api"));

      assertEquals(1, timer("revoke", "transient_failure").count());
      assertEquals(1, timer("revoke", "throttled").count());
      assertEquals(1, timer("revoke", "definitive_failure").count());
      assertEquals(1, timer("create", "transient_failure").count(), "not a provider exception: retried");
      assertEquals(1, registry.find("dynsecret.provider.calls")
          .tags("operation", "create", "exception", "IllegalStateException").timer().count());
      assertEquals(1, registry.find("dynsecret.provider.calls")
          .tags("operation", "revoke", "exception", "DefinitiveProviderException").timer().count());
    }

    @Test
    void theTimedProviderKeepsTheAbilitiesOfTheProviderAndNoMore() {
      leases.create("orders-api");
      assertTrue(leases.sweepOrphans("orders-api", true).supported());
      assertEquals(1, timer("list", "success").count());

      provider.supportListing(false);
      assertFalse(leases.sweepOrphans("orders-api", true).supported(),
          "a provider without listing stays without listing when timed");
    }

    @Test
    void wrappingTwiceTimesOnce() {
      var once = metrics.timed(provider);
      assertSame(once, metrics.timed(once));
      assertEquals(RecordingProvider.TYPE, once.type());
    }
  }

  @Nested
  class DueWorkWindow {
    /** Reports a throttle episode on every revoke, as a provider whose system answered 429. */
    private DynamicSecretProvider throttling() {
      return new DynamicSecretProvider() {
        @Override
        public String type() {
          return "throttled";
        }

        @Override
        public ProviderConnection connect(ProviderConfig config) {
          return provider.connect(config);
        }

        @Override
        public ProviderConnection connect(ProviderConfig config, ProviderContext context) {
          ProviderConnection inner = provider.connect(config);
          return new ProviderConnection() {
            @Override
            public CreatedCredential create(Lease lease) {
              return inner.create(lease);
            }

            @Override
            public void revoke(CredentialRef credential) {
              context.throttled("https://apic.example/api", Duration.ofSeconds(1));
              inner.revoke(credential);
            }

            @Override
            public void verify() {}
          };
        }
      };
    }

    private double windowGauge(String name, LeaseManager manager) {
      Gauge gauge = registry.find(name).tags("node", manager.nodeId()).gauge();
      assertNotNull(gauge, name + " is registered");
      return gauge.value();
    }

    @Test
    void theGaugesShowTheCallsInFlightAndTheLimitThatAThrottledProviderNarrows() {
      SimpleMeterRegistry own = new SimpleMeterRegistry();
      DynsecretMetrics throttledMetrics = DynsecretMetrics.of(own);
      LeaseManager throttled = LeaseManager.builder().store(new MemoryLeaseStore()).clock(clock)
          .listener(throttledMetrics.listener()).provider(throttling()).discoverProviders(false)
          .secret(DynamicSecret.builder("orders-api").provider("throttled", ProviderConfig.empty())
              .defaultTtl(Duration.ofMinutes(1)).build())
          .build();
      managers.add(throttled);
      throttledMetrics.bind(throttled);
      Gauge limit = own.find("dynsecret.due.calls.limit").tags("node", throttled.nodeId()).gauge();
      Gauge inFlight =
          own.find("dynsecret.due.calls.inflight").tags("node", throttled.nodeId()).gauge();
      assertNotNull(limit);
      assertNotNull(inFlight);
      assertEquals(4, limit.value(), "the window starts at 4");
      assertEquals(0, own.find("dynsecret.provider.throttled").tags("secret", "orders-api")
          .counter().count());

      throttled.create("orders-api");
      clock.advance(Duration.ofMinutes(2));
      assertEquals(1, throttled.processDue());

      assertEquals(2, limit.value(), "halved by the throttle episode");
      assertEquals(0, inFlight.value());
      assertEquals(1, own.find("dynsecret.provider.throttled").tags("secret", "orders-api")
          .counter().count());
    }

    @Test
    void theWindowGaugesOfTheBoundManagerExistFromBinding() {
      assertEquals(0, windowGauge("dynsecret.due.calls.inflight", leases));
      assertEquals(4, windowGauge("dynsecret.due.calls.limit", leases));
    }
  }

  @Test
  void noTagValueIsALeaseIdOrAnythingButConfigurationAndFixedSets() {
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 5; i++) {
      Lease lease = leases.create("orders-api").lease();
      ids.add(lease.id());
      leases.renew(lease.id());
      leases.revoke(lease.id());
    }
    Set<String> keys = new HashSet<>();
    for (Meter meter : registry.getMeters()) {
      assertTrue(meter.getId().getName().startsWith("dynsecret."), meter.getId().getName());
      for (Tag tag : meter.getId().getTags()) {
        keys.add(tag.getKey());
        assertFalse(ids.contains(tag.getValue()), "a lease id as a tag: " + meter.getId());
      }
    }
    assertEquals(Set.of("secret", "reason", "outcome", "state", "type", "operation", "exception",
        "node"), keys);
  }
}
