package dev.dynsecret;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynsecret.fixtures.MutableClock;
import dev.dynsecret.fixtures.SimpleStore;
import dev.dynsecret.fixtures.StubProvider;
import dev.dynsecret.spi.CreatedCredential;
import dev.dynsecret.spi.CredentialRef;
import dev.dynsecret.spi.LeaseRecord;
import dev.dynsecret.spi.ProviderConnection;
import dev.dynsecret.spi.ProviderContext;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Background work keeps a window of provider calls in flight, refilled as calls finish: a slow
 * call holds up only its own place, claims run ahead of the window in chunks but a lease is never
 * started on a claim running out, and a provider that reports throttling narrows the window.
 */
class DueWorkWindowTest {
  private static final String SECRET = "orders-api";
  private static final Duration CLAIM_TIMEOUT = Duration.ofMinutes(2);

  private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
  private final SimpleStore store = new SimpleStore();
  private final List<LeaseManager> managers = new ArrayList<>();

  /** A stub whose revoke runs {@code onRevoke} first (with the context of the connection). */
  private static final class HookedProvider extends StubProvider {
    private final BiConsumer<CredentialRef, ProviderContext> onRevoke;

    HookedProvider(BiConsumer<CredentialRef, ProviderContext> onRevoke) {
      this.onRevoke = onRevoke;
    }

    @Override
    public ProviderConnection connect(ProviderConfig config, ProviderContext context) {
      ProviderConnection inner = connect(config);
      return new ProviderConnection() {
        @Override
        public CreatedCredential create(Lease lease) {
          return inner.create(lease);
        }

        @Override
        public void revoke(CredentialRef credential) {
          onRevoke.accept(credential, context);
          inner.revoke(credential);
        }

        @Override
        public void verify() {}
      };
    }
  }

  private LeaseManager.Builder manager(StubProvider provider) {
    return LeaseManager.builder().store(store).provider(provider).discoverProviders(false)
        .clock(clock).nodeId("node-a").claimTimeout(CLAIM_TIMEOUT)
        .secret(DynamicSecret.builder(SECRET).provider(StubProvider.TYPE, ProviderConfig.empty())
            .defaultTtl(Duration.ofMinutes(1)).build());
  }

  private LeaseManager open(LeaseManager.Builder builder) {
    LeaseManager manager = builder.build();
    managers.add(manager);
    return manager;
  }

  private List<String> expiredLeases(LeaseManager manager, int count) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ids.add(manager.create(SECRET).lease().id());
    }
    clock.advance(Duration.ofMinutes(1));
    return ids;
  }

  @AfterEach
  void close() {
    managers.forEach(LeaseManager::close);
  }

  @Test
  void aCallThatHangsHoldsUpOnlyItsOwnPlaceWhileTheOtherLeasesKeepFlowing() throws Exception {
    CountDownLatch stuck = new CountDownLatch(1);
    CountDownLatch hung = new CountDownLatch(1);
    AtomicBoolean first = new AtomicBoolean(true);
    HookedProvider provider = new HookedProvider((credential, context) -> {
      if (first.compareAndSet(true, false)) {
        hung.countDown();
        await(stuck); // the first call hangs until the test lets it go
      }
    });
    CountDownLatch othersExpired = new CountDownLatch(39);
    LeaseManager manager = open(manager(provider).maxInFlight(8).listener(new LeaseListener() {
      @Override
      public void expired(Lease lease) {
        othersExpired.countDown();
      }
    }));
    List<String> ids = expiredLeases(manager, 40);

    CompletableFuture<Integer> worked = CompletableFuture.supplyAsync(manager::processDue);
    assertTrue(hung.await(30, TimeUnit.SECONDS), "no call reached the provider");
    assertTrue(othersExpired.await(30, TimeUnit.SECONDS),
        "leases stopped flowing behind the hung call: " + othersExpired.getCount() + " left");
    assertEquals(1, stuck.getCount(), "the first call is still hung");
    assertFalse(worked.isDone(), "processDue() returns only once every call it started ended");

    stuck.countDown();
    assertEquals(40, worked.get(30, TimeUnit.SECONDS));
    for (String id : ids) {
      assertEquals(LeaseState.REVOKED, manager.get(id).state(), id);
    }
  }

  @Test
  void aClaimedLeaseThatWaitsTooLongForAPlaceIsHandedBackSoNoCallStartsOnAClaimRunningOut()
      throws Exception {
    Semaphore arrived = new Semaphore(0);
    // One gate per wave, taken by each call before it says it arrived, so a call can only be let
    // go with its own wave (a call held back across two clock moves would outlive its claim, and
    // a lease whose claim lapsed is taken over: that is the claim rule, not what is tested here).
    AtomicReference<CountDownLatch> gate = new AtomicReference<>(new CountDownLatch(1));
    List<String> lapsing = new CopyOnWriteArrayList<>();
    HookedProvider provider = new HookedProvider((credential, context) -> {
      LeaseRecord lease = store.find(credential.leaseId()).orElseThrow();
      Instant threeQuartersLeft = clock.instant().plus(CLAIM_TIMEOUT.multipliedBy(3).dividedBy(4));
      if (!"node-a".equals(lease.claimedBy()) || threeQuartersLeft.isAfter(lease.dueAt())) {
        lapsing.add(credential.leaseId() + " claimed by " + lease.claimedBy() + " until "
            + lease.dueAt() + ", called at " + clock.instant());
      }
      CountDownLatch wave = gate.get();
      arrived.release();
      await(wave);
    });
    // A window of one place: its limit cannot adapt below that, so each call is a wave of its own
    // however long the test takes to let it go.
    LeaseManager manager = open(manager(provider).maxInFlight(1));
    List<String> ids = expiredLeases(manager, 10);

    CompletableFuture<Integer> worked = CompletableFuture.supplyAsync(manager::processDue);
    for (int wave = 0; wave < 10; wave++) {
      assertTrue(arrived.tryAcquire(1, 30, TimeUnit.SECONDS), "call " + wave + " never came");
      assertEquals(1, manager.dueWorkWindow().inFlight(), "the window is full");
      // The call is slow: the leases claimed with it, still waiting for the place, would have
      // only a quarter of their claim left when the next call starts (each call still ends well
      // within its own claim). They are handed back and claimed afresh instead.
      clock.advance(CLAIM_TIMEOUT.multipliedBy(3).dividedBy(4));
      gate.getAndSet(new CountDownLatch(1)).countDown();
    }

    assertEquals(10, worked.get(30, TimeUnit.SECONDS));
    assertEquals(List.of(), lapsing, "calls started with less than 3/4 of their claim left");
    assertEquals(new HashSet<>(ids), new HashSet<>(provider.revoked()));
    assertEquals(10, provider.revoked().size(), "each credential deleted once");
    for (String id : ids) {
      LeaseRecord lease = store.find(id).orElseThrow();
      assertEquals(LeaseState.REVOKED, lease.state(), id);
      assertEquals(null, lease.claimedBy(), id + " still claimed");
    }
  }

  @Test
  void leasesAreClaimedAheadOfASmallWindowInChunksOfTheBatchSize() {
    LeaseManager manager = open(manager(new StubProvider()).maxInFlight(2).claimBatchSize(25));
    List<String> ids = expiredLeases(manager, 100);
    int before = store.claimRoundTrips();

    assertEquals(100, manager.processDue());
    // 100 leases in chunks of 25: four full claims and the one that finds nothing more due, not
    // one claim per place that frees in a window of 2.
    assertEquals(5, store.claimRoundTrips() - before, "claim round trips");
    for (String id : ids) {
      assertEquals(LeaseState.REVOKED, manager.get(id).state(), id);
    }
  }

  @Test
  void aProviderReportingThrottlingNarrowsTheWindowAtOnce() {
    List<Integer> limitsAfterThrottle = new CopyOnWriteArrayList<>();
    List<String> heard = new CopyOnWriteArrayList<>();
    LeaseManager[] self = new LeaseManager[1];
    HookedProvider provider = new HookedProvider((credential, context) -> {
      if (heard.isEmpty()) {
        int before = self[0].dueWorkWindow().limit();
        context.throttled("https://apic.example/api", Duration.ofSeconds(1));
        limitsAfterThrottle.add(before);
        limitsAfterThrottle.add(self[0].dueWorkWindow().limit());
      }
    });
    self[0] = open(manager(provider).listener(new LeaseListener() {
      @Override
      public void providerThrottled(String secretName, String target, Duration wait) {
        heard.add(secretName + " " + target);
      }
    }));
    assertEquals(new DueWorkWindow(0, 4, 64), self[0].dueWorkWindow(), "the defaults");
    expiredLeases(self[0], 1);

    assertEquals(1, self[0].processDue());

    assertEquals(List.of(4, 2), limitsAfterThrottle, "limit before and after the throttle");
    assertEquals(List.of(SECRET + " https://apic.example/api"), heard);
    assertEquals(0, self[0].dueWorkWindow().inFlight());
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
