package dev.dynsecret.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import dev.dynsecret.ConflictException;
import dev.dynsecret.DynamicSecret;
import dev.dynsecret.spi.LeaseRecord;
import dev.dynsecret.LeaseManager;
import dev.dynsecret.LeaseState;
import dev.dynsecret.NotFoundException;
import dev.dynsecret.StoreException;
import dev.dynsecret.ProviderConfig;
import dev.dynsecret.testkit.RecordingProvider;
import dev.dynsecret.testkit.TestClock;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Every connection the store borrows goes back to the pool, on success and on every failure
 * path: 32 threads share a pool of two connections through create, renew, revoke, claims,
 * conflicts, not-found updates and database errors, and afterwards no connection is in use.
 */
class ConnectionLeakPostgresTest {
  private static final int THREADS = 32;
  private static final int ROUNDS = 8;
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

  @Test
  void aPoolOfTwoConnectionsServesThirtyTwoThreadsAndEndsWithNoneInUse() throws Exception {
    TestClock clock = TestClock.at(T0);
    RecordingProvider provider = new RecordingProvider();
    ExecutorService threads = Executors.newFixedThreadPool(THREADS);
    try (HikariDataSource pool = EmbeddedPostgresDatabase.pool("two", 2)) {
      // A leaked connection shows as a timeout waiting for the pool; fail in seconds, not 30.
      pool.setConnectionTimeout(10_000);
      JdbcLeaseStore store = EmbeddedPostgresDatabase.freshStore(pool);
      JdbcLeaseStore broken = EmbeddedPostgresDatabase.freshStore(pool);
      try (Connection connection = pool.getConnection(); Statement drop = connection.createStatement()) {
        drop.execute("DROP TABLE " + broken.tablePrefix() + "leases");
      }
      try (LeaseManager manager = LeaseManager.builder()
          .store(store).provider(provider).discoverProviders(false).clock(clock).nodeId("node-1")
          .secret(DynamicSecret.builder("orders-api")
              .provider(RecordingProvider.TYPE, ProviderConfig.empty())
              .defaultTtl(Duration.ofMinutes(10)).maxTtl(Duration.ofHours(1)).build())
          .build()) {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> results = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
          String node = "worker-" + t;
          results.add(threads.submit(() -> {
            start.await();
            int revoked = 0;
            for (int round = 0; round < ROUNDS; round++) {
              String id = manager.create("orders-api").lease().id();
              manager.renew(id, Duration.ofMinutes(20));
              LeaseRecord renewed = store.find(id).orElseThrow();
              LeaseRecord lease = renewed.toBuilder().version(renewed.version() - 1).build();
              assertThrows(ConflictException.class, () -> store.insert(lease));
              assertThrows(ConflictException.class, () -> store.update(lease));
              assertThrows(NotFoundException.class,
                  () -> store.update(renewed.toBuilder().id(renewed.id() + "-gone").build()));
              assertThrows(StoreException.class, () -> broken.find(lease.id()));
              store.claimDue(node, T0, Duration.ofMinutes(1), 5);
              store.query(dev.dynsecret.LeaseQuery.bySecret("orders-api", 10));
              if (manager.revoke(lease.id()).state() == LeaseState.REVOKED) {
                revoked++;
              }
              manager.processDue();
            }
            return revoked;
          }));
        }
        start.countDown();
        int revoked = 0;
        for (Future<Integer> result : results) {
          revoked += result.get(2, TimeUnit.MINUTES);
        }
        assertEquals(THREADS * ROUNDS, revoked);
      }

      HikariPoolMXBean stats = pool.getHikariPoolMXBean();
      System.out.println("After " + THREADS + " threads x " + ROUNDS + " rounds on a pool of 2: active "
          + stats.getActiveConnections() + ", idle " + stats.getIdleConnections() + ", total "
          + stats.getTotalConnections() + ", waiting " + stats.getThreadsAwaitingConnection());
      assertEquals(0, stats.getActiveConnections(), "connections still in use");
      assertEquals(0, stats.getThreadsAwaitingConnection());
      assertTrue(stats.getTotalConnections() <= 2);
      assertEquals(THREADS * ROUNDS, provider.totalRevokeCalls());
    } finally {
      threads.shutdownNow();
    }
  }
}
