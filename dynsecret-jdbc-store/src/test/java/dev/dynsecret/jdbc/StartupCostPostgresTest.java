package dev.dynsecret.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynsecret.DynamicSecret;
import dev.dynsecret.LeaseManager;
import dev.dynsecret.jdbc.internal.Dialect;
import dev.dynsecret.jdbc.internal.LeaseSql;
import dev.dynsecret.jdbc.internal.Tables;
import dev.dynsecret.ProviderConfig;
import dev.dynsecret.testkit.RecordingProvider;
import dev.dynsecret.testkit.TestClock;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Starting a node does not read the stored leases: building the store and a manager and running
 * a pass of due work with nothing due reads the same few rows over 100,000 stored leases as over
 * none (Vault's restore storm is the failure this guards against).
 */
class StartupCostPostgresTest {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
  private static final int STORED = 100_000;

  @Test
  void startingANodeOverOneHundredThousandLeasesReadsNoneOfThem() throws SQLException {
    DataSource pool = EmbeddedPostgresDatabase.sharedPool();
    String empty = EmbeddedPostgresDatabase.freshStore(pool).tablePrefix();
    String full = EmbeddedPostgresDatabase.freshStore(pool).tablePrefix();
    // 50,000 revoked history rows and 50,000 active leases due from an hour after T0 on.
    Fixtures.fill(pool, SqlDialect.POSTGRESQL, full, STORED, T0.minusSeconds(60), T0.plusSeconds(3600));

    Startup overNone = startNode(pool, empty);
    Startup overAll = startNode(pool, full);
    System.out.println("Start-up over 0 leases: " + overNone + "\nStart-up over " + STORED
        + " leases: " + overAll);

    assertEquals(0, overAll.worked);
    assertEquals(overNone.counts, overAll.counts, "JDBC work of a start-up");
    // The schema check reads two rows (the table exists, its version); the claim reads none.
    assertTrue(overAll.rowsRead <= 2, overAll.counts);

    // And on the server: the claim query's index scan finds no row to read.
    String plan = explainAnalyzeClaim(pool, full);
    System.out.println("Claim at start-up over " + STORED + " leases:\n" + plan);
    assertTrue(plan.contains("Index Scan using " + full + "leases_due_idx"), plan);
    assertTrue(plan.contains("(actual rows=0 loops=1)"), plan);
    assertFalse(plan.contains("Seq Scan"), plan);

    try (Connection connection = pool.getConnection();
        ResultSet rs = connection.createStatement().executeQuery("SELECT COUNT(*) FROM " + full + "leases")) {
      rs.next();
      assertEquals(STORED, rs.getLong(1));
    }
  }

  private record Startup(String counts, long rowsRead, int worked, long millis) {
    @Override
    public String toString() {
      return counts + ", " + worked + " leases worked, " + millis + " ms";
    }
  }

  /** Builds a store and a manager on {@code prefix} and runs one pass of due work, counting JDBC. */
  private static Startup startNode(DataSource pool, String prefix) {
    CountingDataSource counting = new CountingDataSource(pool);
    long start = System.nanoTime();
    // Time comes from a TestClock here, so the node decides by it, not the database's.
    JdbcLeaseStore store = JdbcLeaseStore.builder(counting.dataSource()).tablePrefix(prefix)
        .useDatabaseClock(false).build();
    int worked;
    try (LeaseManager manager = LeaseManager.builder()
        .store(store)
        .provider(new RecordingProvider())
        .discoverProviders(false)
        .clock(TestClock.at(T0))
        .secret(DynamicSecret.builder("orders-api")
            .provider(RecordingProvider.TYPE, ProviderConfig.empty())
            .defaultTtl(Duration.ofMinutes(10)).build())
        .build()) {
      worked = manager.processDue();
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    return new Startup(counting.toString(), counting.rowsRead.get(), worked, millis);
  }

  private static String explainAnalyzeClaim(DataSource pool, String prefix) throws SQLException {
    Dialect dialect = Dialect.of(SqlDialect.POSTGRESQL);
    String claim = new LeaseSql(dialect, new Tables(prefix)).claimSelect;
    try (Connection connection = pool.getConnection()) {
      connection.setAutoCommit(false);
      try (PreparedStatement explain =
          connection.prepareStatement("EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) " + claim)) {
        dialect.bindClaimSelect(explain, T0, 100);
        List<String> lines = new ArrayList<>();
        try (ResultSet rs = explain.executeQuery()) {
          while (rs.next()) {
            lines.add(rs.getString(1));
          }
        }
        return String.join("\n", lines);
      } finally {
        connection.rollback();
      }
    }
  }
}
