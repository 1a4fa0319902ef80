package dev.dynsecret.reliability;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.dynsecret.DynamicSecret;
import dev.dynsecret.Lease;
import dev.dynsecret.LeaseManager;
import dev.dynsecret.LeaseState;
import dev.dynsecret.RetryPolicy;
import dev.dynsecret.RevokeReason;
import dev.dynsecret.TransientProviderException;
import dev.dynsecret.jdbc.JdbcLeaseStore;
import dev.dynsecret.ProviderConfig;
import dev.dynsecret.spi.LeaseRecord;
import dev.dynsecret.testkit.ManyNodes;
import dev.dynsecret.testkit.RecordingProvider;
import dev.dynsecret.testkit.TestClock;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Three application instances, each with its own connection pool, share one real PostgreSQL and
 * work due leases at the same time while the provider fails a share of revocations transiently.
 * In the end every lease is revoked, each credential deleted by exactly one successful call, and
 * every failed attempt was retried, with its count kept in the lease record across nodes.
 */
class MultiNodeRevocationFaultsTest {
  private static final String SECRET = "orders-api";
  private static final int NODES = 3;
  private static final int LEASES = 1_500;
  private static final double REVOKE_FAILURE_SHARE = 0.25;
  private static final long SEED = 4242L;
  private static final Duration TTL = Duration.ofMinutes(10);

  private EmbeddedPostgres postgres;
  private final TestClock clock = TestClock.standard();
  private final RecordingProvider provider = new RecordingProvider();
  private final List<HikariDataSource> pools = new ArrayList<>();
  private final List<LeaseManager> managers = new ArrayList<>();
  private JdbcLeaseStore firstStore;

  @BeforeEach
  void startNodes() throws Exception {
    postgres = EmbeddedPostgres.builder()
        .setServerConfig("fsync", "off")
        .setServerConfig("synchronous_commit", "off")
        .start();
    DynamicSecret secret = DynamicSecret.builder(SECRET)
        .provider(RecordingProvider.TYPE, ProviderConfig.empty())
        .defaultTtl(TTL).maxTtl(Duration.ofHours(1)).build();
    for (int i = 1; i <= NODES; i++) {
      HikariConfig config = new HikariConfig();
      config.setJdbcUrl(postgres.getJdbcUrl("postgres", "postgres"));
      config.setPoolName("node-" + i);
      config.setMaximumPoolSize(4);
      config.setMinimumIdle(0);
      HikariDataSource pool = new HikariDataSource(config);
      pools.add(pool);
      // Time comes from a TestClock: the nodes decide by it, not by the database's clock.
      JdbcLeaseStore store = JdbcLeaseStore.builder(pool).createSchema(true)
          .useDatabaseClock(false).build();
      if (firstStore == null) {
        firstStore = store;
      }
      managers.add(LeaseManager.builder()
          .store(store)
          .provider(provider)
          .discoverProviders(false)
          .clock(clock)
          .nodeId("node-" + i)
          .claimTimeout(Duration.ofMinutes(2))
          .claimBatchSize(50)
          .maxInFlight(4)
          // Enough attempts that a 25 % failure rate never exhausts them (0.25^30).
          .retryPolicy(new RetryPolicy(30, Duration.ofSeconds(1), Duration.ofSeconds(8), 2.0, 0.5))
          .secret(secret)
          .build());
    }
  }

  @AfterEach
  void stopNodes() throws Exception {
    managers.forEach(LeaseManager::close);
    pools.forEach(HikariDataSource::close);
    postgres.close();
  }

  @Test
  void everyLeaseIsRevokedByExactlyOneSuccessfulCallWhileAQuarterOfRevokeCallsFail()
      throws Exception {
    long started = System.nanoTime();
    List<String> ids = ManyNodes.createLeases(managers.get(0), SECRET, LEASES, 4);
    provider.failRevokesAtRate(REVOKE_FAILURE_SHARE, SEED,
        () -> new TransientProviderException("503 Service Unavailable (simulated)"));
    clock.advance(TTL.plusSeconds(1));

    int passes = 0;
    List<Integer> workedPerNode = new ArrayList<>(List.of(0, 0, 0));
    while (firstStore.count(SECRET, EnumSet.of(LeaseState.ACTIVE, LeaseState.PENDING)) > 0) {
      assertTrue(++passes <= 200, "leases still not revoked after 200 passes");
      List<Integer> worked = ManyNodes.processDueAtOnce(managers);
      for (int i = 0; i < NODES; i++) {
        workedPerNode.set(i, workedPerNode.get(i) + worked.get(i));
      }
      clock.advance(Duration.ofSeconds(8)); // the longest retry delay
    }

    List<LeaseRecord> all = Ledger.allRecords(firstStore);
    Map<Integer, Long> attemptsHistogram = all.stream().collect(
        Collectors.groupingBy(LeaseRecord::revocationAttempts, TreeMap::new, Collectors.counting()));
    Map<String, Long> revokedBy = all.stream()
        .collect(Collectors.groupingBy(LeaseRecord::revokedBy, TreeMap::new, Collectors.counting()));
    System.out.printf("several nodes: %d leases, %d nodes, %d revoke calls of which %d failed"
            + " (share %.2f); %d passes; leases by failed attempts %s; revoked by %s; leases"
            + " worked per node %s; %.1f s%n", LEASES, NODES, provider.totalRevokeCalls(),
        provider.injectedRevokeFailures(), REVOKE_FAILURE_SHARE, passes, attemptsHistogram,
        revokedBy, workedPerNode, (System.nanoTime() - started) / 1e9);

    assertTrue(provider.injectedRevokeFailures() > LEASES / 10, "too few failures to prove anything");
    Map<Integer, Long> successes = ids.stream().collect(Collectors.groupingBy(
        provider::successfulRevokeCalls, TreeMap::new, Collectors.counting()));
    assertEquals(Map.of(1, (long) LEASES), successes, "leases by successful revoke calls");
    assertEquals(LEASES + provider.injectedRevokeFailures(), provider.totalRevokeCalls(),
        "every call was either the one success or a failure that was retried");
    assertEquals(Set.of(), provider.liveCredentials(), "credentials left behind");
    assertEquals(LEASES, all.size());
    for (LeaseRecord lease : all) {
      assertAll(
          () -> assertEquals(LeaseState.REVOKED, lease.state()),
          () -> assertEquals(RevokeReason.EXPIRED, lease.revokeReason()),
          () -> assertEquals(provider.revokeCalls(lease.id()) - 1, lease.revocationAttempts(),
              "failed attempts recorded on lease " + lease.id()));
    }
    assertTrue(revokedBy.size() > 1, "only one node did the work: " + revokedBy);
  }

}
