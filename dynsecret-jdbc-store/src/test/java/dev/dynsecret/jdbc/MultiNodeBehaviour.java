package dev.dynsecret.jdbc;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import dev.dynsecret.DynamicSecret;
import dev.dynsecret.spi.LeaseRecord;
import dev.dynsecret.LeaseManager;
import dev.dynsecret.LeaseState;
import dev.dynsecret.RevokeReason;
import dev.dynsecret.LeaseQuery;
import dev.dynsecret.Page;
import dev.dynsecret.ProviderConfig;
import dev.dynsecret.testkit.ManyNodes;
import dev.dynsecret.testkit.RecordingProvider;
import dev.dynsecret.testkit.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Three application instances sharing one database, each with its own connection pool and lease
 * manager, working due leases at the same time from real threads: every lease is revoked exactly
 * once, and the work of a node that dies holding claims is taken over. Run on PostgreSQL ({@link
 * MultiNodePostgresTest}) and MariaDB ({@link MultiNodeMariaDbTest}).
 */
abstract class MultiNodeBehaviour {
  private static final String SECRET = "orders-api";
  private static final Duration TTL = Duration.ofMinutes(10);
  private static final Duration CLAIM_TIMEOUT = Duration.ofMinutes(2);
  private static final int NODES = 3;

  private final TestClock clock = TestClock.at(Instant.parse("2030-01-01T00:00:00Z"));
  private final RecordingProvider provider = new RecordingProvider();
  private final List<HikariDataSource> pools = new ArrayList<>();
  private final List<JdbcLeaseStore> stores = new ArrayList<>();
  private final List<LeaseManager> managers = new ArrayList<>();

  /** A table prefix no other test uses. */
  protected abstract String freshPrefix();

  /** A new HikariCP pool of at most {@code size} connections to the database under test. */
  protected abstract HikariDataSource pool(String name, int size);

  @BeforeEach
  void startNodes() {
    String prefix = freshPrefix();
    DynamicSecret secret = DynamicSecret.builder(SECRET)
        .provider(RecordingProvider.TYPE, ProviderConfig.empty())
        .defaultTtl(TTL).maxTtl(Duration.ofHours(1)).build();
    for (int i = 1; i <= NODES; i++) {
      HikariDataSource pool = pool("node-" + i, 4);
      pools.add(pool);
      JdbcLeaseStore store = JdbcLeaseStore.builder(pool).tablePrefix(prefix)
          .createSchema(true).useDatabaseClock(false).build(); // time comes from a TestClock
      stores.add(store);
      managers.add(LeaseManager.builder()
          .store(store)
          .provider(provider)
          .discoverProviders(false)
          .clock(clock)
          .nodeId("node-" + i)
          .claimTimeout(CLAIM_TIMEOUT)
          .claimBatchSize(100)
          .maxInFlight(4)
          .secret(secret)
          .build());
    }
  }

  @AfterEach
  void stopNodes() {
    managers.forEach(LeaseManager::close);
    pools.forEach(HikariDataSource::close);
  }

  @Test
  void fiveThousandLeasesDueAtOnceAreEachRevokedExactlyOnceAcrossThreeNodes() throws Exception {
    List<String> ids = ManyNodes.createLeases(managers.get(0), SECRET, 5_000, 4);
    clock.advance(TTL.plusSeconds(1));

    List<Integer> worked = ManyNodes.processDueAtOnce(managers);

    assertEquals(5_000, worked.stream().mapToInt(Integer::intValue).sum(), "leases worked " + worked);
    assertEachRevokedOnce(ids);
    Map<String, Long> byNode = revokedByNode(ids);
    System.out.println(getClass().getSimpleName() + ": 5,000 due leases; worked per node " + worked
        + "; revoked by " + byNode);
  }

  @Test
  void aNodeThatDiesHoldingClaimsHasItsLeasesTakenOverAfterTheClaimTimeout() throws Exception {
    List<String> ids = ManyNodes.createLeases(managers.get(0), SECRET, 600, 4);
    clock.advance(TTL.plusSeconds(1));
    // The dead node claims a batch, then never releases it.
    List<LeaseRecord> abandoned = stores.get(0).claimDue("dead-node", clock.instant(), CLAIM_TIMEOUT, 150);
    assertEquals(150, abandoned.size());

    List<Integer> firstPass = ManyNodes.processDueAtOnce(managers);

    assertEquals(450, firstPass.stream().mapToInt(Integer::intValue).sum());
    for (LeaseRecord lease : abandoned) {
      LeaseRecord now = stores.get(1).find(lease.id()).orElseThrow();
      assertAll(
          () -> assertEquals(LeaseState.ACTIVE, now.state()),
          () -> assertEquals("dead-node", now.claimedBy()),
          () -> assertEquals(0, provider.revokeCalls(lease.id())));
    }

    clock.advance(CLAIM_TIMEOUT);
    List<Integer> takeOver = ManyNodes.processDueAtOnce(managers);

    assertEquals(150, takeOver.stream().mapToInt(Integer::intValue).sum());
    assertEachRevokedOnce(ids);
    for (LeaseRecord lease : abandoned) {
      String revokedBy = stores.get(2).find(lease.id()).orElseThrow().revokedBy();
      assertTrue(Set.of("node-1", "node-2", "node-3").contains(revokedBy), revokedBy);
    }
  }

  private void assertEachRevokedOnce(List<String> ids) {
    Map<Integer, Long> callsHistogram = ids.stream()
        .collect(Collectors.groupingBy(provider::revokeCalls, TreeMap::new, Collectors.counting()));
    assertEquals(Map.of(1, (long) ids.size()), callsHistogram, "leases by number of revoke calls");
    assertEquals(ids.size(), provider.totalRevokeCalls());

    JdbcLeaseStore store = stores.get(0);
    assertEquals(ids.size(), store.count(SECRET, EnumSet.of(LeaseState.REVOKED)));
    assertEquals(0, store.count(SECRET,
        EnumSet.of(LeaseState.PENDING, LeaseState.ACTIVE, LeaseState.REVOCATION_FAILED)));
    for (LeaseRecord lease : all(store)) {
      assertAll(
          () -> assertEquals(RevokeReason.EXPIRED, lease.revokeReason()),
          () -> assertNull(lease.claimedBy()),
          () -> assertNull(lease.dueAt()));
    }
  }

  private Map<String, Long> revokedByNode(List<String> ids) {
    return all(stores.get(0)).stream()
        .collect(Collectors.groupingBy(LeaseRecord::revokedBy, TreeMap::new, Collectors.counting()));
  }

  private static List<LeaseRecord> all(JdbcLeaseStore store) {
    List<LeaseRecord> leases = new ArrayList<>();
    LeaseQuery query = LeaseQuery.bySecret(SECRET, 1000);
    Page<LeaseRecord> page;
    do {
      page = store.query(query);
      leases.addAll(page.items());
      query = query.after(page.nextCursor());
    } while (page.hasNext());
    return leases;
  }
}
