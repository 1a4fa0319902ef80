package dev.dynsecret.internal;

import static dev.dynsecret.internal.Engine.SECRET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynsecret.LeaseState;
import dev.dynsecret.ProviderConfig;
import dev.dynsecret.fixtures.StubProvider;
import dev.dynsecret.spi.CredentialRef;
import dev.dynsecret.spi.ProviderConnection;
import dev.dynsecret.Lease;
import dev.dynsecret.spi.CreatedCredential;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Due work keeps exactly as many provider calls in flight as the window allows, never more. */
class CallWindowTest {
  private static final int LIMIT = 16;
  private static final int LEASES = 200;

  /** Every revoke waits for the test to let it through; counts how many wait at once. */
  private static final class GatedProvider extends StubProvider {
    final Semaphore arrived = new Semaphore(0);
    final Semaphore gate = new Semaphore(0);
    final AtomicInteger concurrent = new AtomicInteger();
    final AtomicInteger max = new AtomicInteger();

    @Override
    public ProviderConnection connect(ProviderConfig config) {
      ProviderConnection inner = super.connect(config);
      return new ProviderConnection() {
        @Override
        public CreatedCredential create(Lease lease) {
          return inner.create(lease);
        }

        @Override
        public void verify() {}

        @Override
        public void revoke(CredentialRef credential) {
          max.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
          arrived.release();
          gate.acquireUninterruptibly();
          concurrent.decrementAndGet();
          inner.revoke(credential);
        }
      };
    }
  }

  @Test
  void theWindowFillsToItsLimitAndNeverBeyondUntilEveryDueLeaseIsRevoked() throws Exception {
    GatedProvider provider = new GatedProvider();
    Engine engine = new Engine(provider);
    // A limit that neither grows nor shrinks here: the test paces the calls, not the provider.
    CallWindow window = new CallWindow("node-a",
        new InFlightLimit(LIMIT, LIMIT, Duration.ofDays(1), 256), Thread::new);
    DueWork due = new DueWork(engine.settings, engine.revocation, window);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < LEASES; i++) {
      ids.add(engine.creation.create(SECRET, Duration.ofMinutes(1)).lease().id());
    }
    engine.clock.advance(Duration.ofMinutes(1));

    CompletableFuture<Integer> worked = CompletableFuture.supplyAsync(() -> due.process(true));
    int released = 0;
    while (released < LEASES) {
      int wave = Math.min(LIMIT, LEASES - released);
      assertTrue(provider.arrived.tryAcquire(wave, 30, TimeUnit.SECONDS),
          "the window did not fill to " + wave + " after " + released + " calls");
      int inFlight = window.snapshot().inFlight();
      if (wave == LIMIT) {
        // A full wave started only once every call of the one before had left the window.
        assertEquals(LIMIT, inFlight);
      } else {
        // The last, short wave may start while calls of the one before are still recording.
        assertTrue(inFlight >= wave && inFlight <= LIMIT, "in flight: " + inFlight);
      }
      provider.gate.release(wave);
      released += wave;
    }

    assertEquals(LEASES, worked.get(30, TimeUnit.SECONDS));
    assertEquals(LIMIT, provider.max.get(), "most calls in flight at once");
    for (String id : ids) {
      assertEquals(LeaseState.REVOKED, engine.store.find(id).orElseThrow().state(), id);
    }
    assertEquals(LEASES, provider.revoked().size());
    window.close(System.nanoTime());
  }
}
