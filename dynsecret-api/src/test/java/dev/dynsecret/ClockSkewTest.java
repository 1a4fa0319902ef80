package dev.dynsecret;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import dev.dynsecret.fixtures.MutableClock;
import dev.dynsecret.fixtures.SimpleStore;
import dev.dynsecret.fixtures.StubProvider;
import dev.dynsecret.internal.DueWorkRunner;
import dev.dynsecret.spi.LeaseRecord;
import dev.dynsecret.spi.LeaseStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Decisions go by the store's clock ({@code LeaseStore.clock}), not the node's; a node whose
 * clock is far from the store's says so once, and can be told to stand aside.
 */
class ClockSkewTest {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
  private static final Duration TTL = Duration.ofMinutes(10);

  private final MutableClock local = new MutableClock(T0);
  /** How far the store's clock is from the node's; tests change it. */
  private final AtomicReference<Duration> storeAhead = new AtomicReference<>(Duration.ZERO);
  private final SkewedStore store = new SkewedStore(new SimpleStore(), storeAhead);
  private final StubProvider provider = new StubProvider();
  /** What the runner logged; written by the background thread, read by the test's. */
  private final List<ILoggingEvent> logged = new CopyOnWriteArrayList<>();
  private final AppenderBase<ILoggingEvent> logs = new AppenderBase<>() {
    @Override
    protected void append(ILoggingEvent event) {
      logged.add(event);
    }
  };
  private final Logger runnerLog = (Logger) LoggerFactory.getLogger(DueWorkRunner.class);

  @BeforeEach
  void captureLogs() {
    logs.start();
    runnerLog.addAppender(logs);
  }

  @AfterEach
  void stopCapturing() {
    runnerLog.detachAppender(logs);
  }

  private LeaseManager.Builder manager() {
    return LeaseManager.builder().store(store).provider(provider).discoverProviders(false)
        .clock(local).nodeId("node-a")
        .secret(DynamicSecret.builder("orders-api").provider(StubProvider.TYPE, ProviderConfig.empty())
            .defaultTtl(TTL).maxTtl(Duration.ofHours(1)).build());
  }

  private List<String> warnings() {
    return logged.stream().filter(e -> e.getLevel() == Level.WARN)
        .map(ILoggingEvent::getFormattedMessage).toList();
  }

  @Test
  void leasesAreStampedAndExpiredByTheStoresClock() {
    storeAhead.set(Duration.ofSeconds(60));
    try (LeaseManager leases = manager().build()) {
      Lease lease = leases.create("orders-api").lease();
      assertEquals(T0.plusSeconds(60), lease.createdAt());
      assertEquals(T0.plusSeconds(60).plus(TTL), lease.expiresAt());

      // The node's clock says 30 s to go; the store's says it expired 30 s ago.
      local.advance(TTL.plusSeconds(30));
      assertEquals(1, leases.processDue());
      assertEquals(LeaseState.REVOKED, leases.get(lease.id()).state());
    }
  }

  @Test
  void aNodeAheadOfTheStoreDoesNotExpireLeasesEarly() {
    storeAhead.set(Duration.ofSeconds(-60));
    try (LeaseManager leases = manager().build()) {
      Lease lease = leases.create("orders-api").lease();
      assertEquals(T0.minusSeconds(60).plus(TTL), lease.expiresAt(), "stated in the store's time");

      // Past the stated expiry by the node's clock (by 30 s), 30 s before it by the store's.
      local.advance(TTL.minusSeconds(30));
      assertEquals(0, leases.processDue());
      assertEquals(LeaseState.ACTIVE, leases.get(lease.id()).state());

      local.advance(Duration.ofSeconds(31));
      assertEquals(1, leases.processDue());
    }
  }

  @Test
  void aSkewBeyondTheAllowanceIsWarnedAboutOncePerChange() {
    storeAhead.set(Duration.ofSeconds(-60));
    try (LeaseManager leases = manager().maxClockSkew(Duration.ofSeconds(5)).build()) {
      leases.processDue();
      leases.processDue();
      assertEquals(1, warnings().size(), warnings().toString());
      assertTrue(warnings().get(0).contains("is 1m ahead of the lease store's clock"),
          warnings().get(0));

      storeAhead.set(Duration.ofSeconds(60)); // now behind: a change worth saying
      leases.processDue();
      assertEquals(2, warnings().size(), warnings().toString());
      assertTrue(warnings().get(1).contains("is 1m behind"), warnings().get(1));

      storeAhead.set(Duration.ofSeconds(1));
      leases.processDue();
      assertEquals(2, warnings().size());
      assertTrue(logged.stream().anyMatch(e -> e.getLevel() == Level.INFO
          && e.getFormattedMessage().contains("back within 5s")), logged.toString());
    }
  }

  @Test
  void aSkewWithinTheAllowanceIsNotWarnedAbout() {
    storeAhead.set(Duration.ofSeconds(-60));
    try (LeaseManager leases = manager().maxClockSkew(Duration.ofMinutes(2)).build()) {
      leases.processDue();
      assertEquals(List.of(), warnings());
    }
  }

  @Test
  void backgroundWorkStandsAsideWhileTheClockIsOffIfToldTo() throws Exception {
    storeAhead.set(Duration.ofMinutes(-10));
    try (LeaseManager leases = manager().refuseWorkOnClockSkew(true)
        .pollInterval(Duration.ofMillis(20)).build()) {
      Lease lease = leases.create("orders-api").lease();
      local.advance(Duration.ofHours(1)); // due by any clock
      leases.start();

      awaitTrue(() -> !warnings().isEmpty(), "the skew warning");
      assertTrue(warnings().get(0).contains("background lease work stops"), warnings().get(0));
      assertEquals(LeaseState.ACTIVE, leases.get(lease.id()).state(), "stood aside");

      storeAhead.set(Duration.ZERO);
      awaitTrue(() -> leases.get(lease.id()).state() == LeaseState.REVOKED, "the lease revoked");
    }
  }

  @Test
  void aSkewThatIsNotPositiveIsRefusedNamingTheSetting() {
    InvalidRequestException e = org.junit.jupiter.api.Assertions.assertThrows(
        InvalidRequestException.class, () -> manager().maxClockSkew(Duration.ZERO).build());
    assertEquals("maxClockSkew", e.field());
  }

  /** Waits for a condition, at most 10 s; a deadline, not a sleep the result depends on. */
  private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
      Thread.sleep(10);
    }
  }

  /** A store whose clock is the node's moved by a settable amount; everything else passed on. */
  private static final class SkewedStore implements LeaseStore {
    private final LeaseStore delegate;
    private final AtomicReference<Duration> ahead;

    SkewedStore(LeaseStore delegate, AtomicReference<Duration> ahead) {
      this.delegate = delegate;
      this.ahead = ahead;
    }

    @Override
    public Clock clock(Clock local) {
      return new Clock() {
        @Override
        public Instant instant() {
          return local.instant().plus(ahead.get());
        }

        @Override
        public ZoneId getZone() {
          return local.getZone();
        }

        @Override
        public Clock withZone(ZoneId zone) {
          return this;
        }
      };
    }

    @Override
    public void insert(LeaseRecord lease) {
      delegate.insert(lease);
    }

    @Override
    public boolean insertWithinLimit(LeaseRecord lease, Set<LeaseState> counted, long limit) {
      return delegate.insertWithinLimit(lease, counted, limit);
    }

    @Override
    public Optional<LeaseRecord> find(String id) {
      return delegate.find(id);
    }

    @Override
    public LeaseRecord update(LeaseRecord lease) {
      return delegate.update(lease);
    }

    @Override
    public Page<LeaseRecord> query(LeaseQuery query) {
      return delegate.query(query);
    }

    @Override
    public List<LeaseRecord> claimDue(String nodeId, Instant now, Duration claimTimeout, int limit) {
      return delegate.claimDue(nodeId, now, claimTimeout, limit);
    }

    @Override
    public long count(String secretName, Set<LeaseState> states) {
      return delegate.count(secretName, states);
    }

    @Override
    public int purgeRevokedBefore(Instant cutoff, int limit) {
      return delegate.purgeRevokedBefore(cutoff, limit);
    }
  }
}
