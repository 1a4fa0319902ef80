package dev.dynsecret;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.dynsecret.fixtures.MutableClock;
import dev.dynsecret.fixtures.SimpleStore;
import dev.dynsecret.fixtures.StubProvider;
import dev.dynsecret.spi.CreatedCredential;
import dev.dynsecret.spi.CredentialRef;
import dev.dynsecret.spi.DynamicSecretProvider;
import dev.dynsecret.spi.LeaseRecord;
import dev.dynsecret.spi.ProviderConnection;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A closed manager refuses every call and claims nothing; closing waits for work in progress. */
class ClosedManagerTest {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
  private static final Set<String> STILL_ALLOWED = Set.of("close", "nodeId", "dueWorkWindow");

  private final MutableClock clock = new MutableClock(T0);
  private final SimpleStore store = new SimpleStore();

  private LeaseManager.Builder manager(DynamicSecretProvider provider) {
    return LeaseManager.builder().store(store).provider(provider).discoverProviders(false)
        .clock(clock).nodeId("node-a")
        .secret(DynamicSecret.builder("orders-api").provider(provider.type(), ProviderConfig.empty())
            .defaultTtl(Duration.ofMinutes(1)).maxTtl(Duration.ofHours(1)).build());
  }

  @Test
  void everyPublicMethodOfAClosedManagerThrowsManagerClosedException() throws Exception {
    LeaseManager leases = manager(new StubProvider()).build();
    leases.close();
    leases.close(); // closing twice is harmless

    List<String> checked = new ArrayList<>();
    for (Method method : LeaseManager.class.getDeclaredMethods()) {
      if (!Modifier.isPublic(method.getModifiers()) || Modifier.isStatic(method.getModifiers())
          || STILL_ALLOWED.contains(method.getName())) {
        continue;
      }
      Object[] args = new Object[method.getParameterCount()];
      for (int i = 0; i < args.length; i++) {
        args[i] = method.getParameterTypes()[i] == boolean.class ? Boolean.TRUE : null;
      }
      try {
        method.invoke(leases, args);
        fail(method + " worked on a closed manager");
      } catch (InvocationTargetException e) {
        assertEquals(ManagerClosedException.class, e.getCause().getClass(), method.toString());
        assertTrue(e.getCause().getMessage().startsWith("the lease manager is closed; "
            + method.getName() + " was refused"), e.getCause().getMessage());
      }
      checked.add(method.getName());
    }
    assertTrue(checked.containsAll(List.of("create", "renew", "revoke", "list", "processDue",
        "start", "register", "reconcile", "sweepOrphans", "countLeases")), checked.toString());
    assertEquals("node-a", leases.nodeId());
  }

  @Test
  void aClosedManagerClaimsNothingThatIsDue() {
    LeaseManager leases = manager(new StubProvider()).build();
    String id = leases.create("orders-api").lease().id();
    clock.advance(Duration.ofMinutes(2));
    LeaseRecord before = store.find(id).orElseThrow();
    leases.close();

    assertThrows(ManagerClosedException.class, leases::processDue);

    LeaseRecord after = store.find(id).orElseThrow();
    assertAll(
        () -> assertEquals(before, after, "the due lease was not touched"),
        () -> assertNull(after.claimedBy()));
  }

  @Test
  void closeWaitsForTheDueWorkInProgressSoNoLeaseIsLeftClaimed() throws Exception {
    BlockingProvider provider = new BlockingProvider();
    LeaseManager leases = manager(provider).build();
    String id = leases.create("orders-api").lease().id();
    clock.advance(Duration.ofMinutes(2));
    List<String> events = new CopyOnWriteArrayList<>();

    AtomicInteger worked = new AtomicInteger(-1);
    Thread pass = new Thread(() -> worked.set(leases.processDue()));
    pass.start();
    assertTrue(provider.revokeStarted.await(10, TimeUnit.SECONDS), "the revoke never started");
    Thread closing = new Thread(() -> {
      leases.close();
      LeaseRecord atClose = store.find(id).orElseThrow();
      events.add("closed; lease " + atClose.state() + " claimed by " + atClose.claimedBy());
    });
    closing.start();
    awaitBlocked(closing);
    events.add("revoke released");
    provider.release.countDown();
    closing.join(10_000);
    pass.join(10_000);

    assertEquals(List.of("revoke released", "closed; lease REVOKED claimed by null"), events);
    assertEquals(1, worked.get());
  }

  @Test
  void closeGivesUpWaitingAfterTheCloseTimeout() throws Exception {
    BlockingProvider provider = new BlockingProvider();
    LeaseManager leases = manager(provider).closeTimeout(Duration.ofMillis(50)).build();
    leases.create("orders-api");
    clock.advance(Duration.ofMinutes(2));
    Thread pass = new Thread(() -> {
      try {
        leases.processDue();
      } catch (DynamicSecretException ignored) {
        // the pass may see its provider call interrupted
      }
    });
    pass.start();
    assertTrue(provider.revokeStarted.await(10, TimeUnit.SECONDS));

    leases.close(); // returns although the revoke is still blocked

    assertEquals(1, provider.release.getCount(), "close returned before the provider was released");
    provider.release.countDown();
    pass.join(10_000);
  }

  @Test
  void backgroundThreadsComeFromTheCallersThreadFactory() throws Exception {
    AtomicInteger made = new AtomicInteger();
    CountDownLatch ran = new CountDownLatch(1);
    ThreadFactory factory = runnable -> {
      made.incrementAndGet();
      Thread thread = new Thread(() -> {
        ran.countDown();
        runnable.run();
      }, "host-app-" + made.get());
      thread.setDaemon(true);
      return thread;
    };
    try (LeaseManager leases = manager(new StubProvider()).threadFactory(factory)
        .maxInFlight(2).build()) {
      leases.start();
      assertTrue(ran.await(10, TimeUnit.SECONDS), "no thread of the factory ran");
    }
    assertTrue(made.get() >= 1, "threads made: " + made.get());
  }

  @Test
  void aNullArgumentIsAnInvalidRequestNamingIt() {
    try (LeaseManager leases = manager(new StubProvider()).build()) {
      assertEquals("query", assertThrows(InvalidRequestException.class, () -> leases.list(null)).field());
      assertEquals("secret", assertThrows(InvalidRequestException.class, () -> leases.register(null)).field());
      assertEquals("states", assertThrows(InvalidRequestException.class,
          () -> leases.countLeases("orders-api", null)).field());
    }
  }

  private static void awaitBlocked(Thread thread) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (thread.getState() != Thread.State.TIMED_WAITING && thread.getState() != Thread.State.WAITING) {
      if (System.nanoTime() > deadline) {
        fail("close() never started waiting; state " + thread.getState());
      }
      Thread.onSpinWait();
    }
  }

  /** Revokes block until released, so a test can close the manager in the middle of one. */
  private static final class BlockingProvider implements DynamicSecretProvider {
    final CountDownLatch revokeStarted = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    @Override
    public String type() {
      return "blocking";
    }

    @Override
    public ProviderConnection connect(ProviderConfig config) {
      return new ProviderConnection() {
        @Override
        public CreatedCredential create(Lease lease) {
          return new CreatedCredential("ext-" + lease.id(),
              SecretData.of(Map.of("TOKEN", Secret.of("blocking-" + lease.id()))));
        }

        @Override
        public void revoke(CredentialRef credential) {
          revokeStarted.countDown();
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransientProviderException("interrupted while revoking");
          }
        }

        @Override
        public void verify() {}
      };
    }
  }
}
