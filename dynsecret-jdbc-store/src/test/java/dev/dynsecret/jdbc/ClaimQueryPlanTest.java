package dev.dynsecret.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynsecret.jdbc.internal.Dialect;
import dev.dynsecret.jdbc.internal.LeaseSql;
import dev.dynsecret.jdbc.internal.Tables;
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
 * Claiming due work is an index range scan, not a table scan: checked on the query plan of the
 * exact SQL the store runs, over a table of 50,000 leases (half of them finished history) with
 * fresh statistics. The plans printed here are the ones quoted in the module's README.
 */
class ClaimQueryPlanTest {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
  private static final int LEASES = 50_000;

  @Test
  void postgresqlClaimsThroughThePartialDueIndex() throws SQLException {
    DataSource dataSource = EmbeddedPostgresDatabase.dataSource();
    JdbcLeaseStore store = EmbeddedPostgresDatabase.freshStore(dataSource);
    // 50 of the 25,000 active leases are due at T0.
    Fixtures.fill(dataSource, SqlDialect.POSTGRESQL, store.tablePrefix(), LEASES, T0.minusSeconds(3600),
        T0.minusSeconds(100));
    String claim = claimSql(store);

    List<String> plan = explain(dataSource, "EXPLAIN " + claim);
    List<String> analyzed = explain(dataSource, "EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) " + claim);
    // A statement the driver has prepared on the server may run with a generic plan, planned
    // without knowing now or the limit: it must use the index too.
    List<String> generic = explainGeneric(dataSource, claim);
    System.out.println("PostgreSQL claim query:\n" + claim + "\n\nEXPLAIN:\n" + String.join("\n", plan)
        + "\n\nEXPLAIN (ANALYZE, BUFFERS, TIMING OFF):\n" + String.join("\n", analyzed)
        + "\n\nEXPLAIN, generic plan:\n" + String.join("\n", generic));

    for (List<String> lines : List.of(plan, generic)) {
      String text = String.join("\n", lines);
      assertTrue(text.contains("Index Scan using " + store.tablePrefix() + "leases_due_idx"), text);
      assertFalse(text.contains("Seq Scan"), text);
    }
    assertTrue(String.join("\n", analyzed).contains("rows=50 loops=1"), String.join("\n", analyzed));
    assertEquals(50, store.claimDue("node-1", T0, Duration.ofMinutes(1), 100).size());
  }

  @Test
  void h2ClaimsThroughTheDueIndexAndReadsOnlyTheBatch() throws SQLException {
    try (H2Database database = new H2Database()) {
      DataSource dataSource = database.dataSource();
      JdbcLeaseStore store = JdbcLeaseStore.builder(dataSource).createSchema(true).build();
      // H2 fills slowly; 20,000 leases (10,000 finished, 10,000 active of which 50 due) suffice.
      Fixtures.fill(dataSource, SqlDialect.H2, store.tablePrefix(), 20_000, T0.minusSeconds(3600),
          T0.minusSeconds(100));
      String claim = claimSql(store);

      String plan = String.join("\n", explain(dataSource, "EXPLAIN " + claim));
      String analyzed = String.join("\n", explain(dataSource, "EXPLAIN ANALYZE " + claim));
      System.out.println("H2 claim query:\n" + claim + "\n\nEXPLAIN:\n" + plan
          + "\n\nEXPLAIN ANALYZE:\n" + analyzed);

      assertTrue(plan.contains("/* PUBLIC.DYNSECRET_LEASES_DUE_IDX: DUE_AT >= TIMESTAMP WITH TIME ZONE"
          + " '0001-01-01 00:00:00+00'"), plan);
      assertTrue(plan.contains("/* index sorted */"), plan);
      assertTrue(plan.contains("/* PUBLIC.PRIMARY_KEY_"), plan);
      // Each scan reads the 50 due leases and one row past the range end: none of the 19,950 others.
      assertEquals(java.util.Set.of("51"), new java.util.HashSet<>(scanCounts(analyzed)), analyzed);
      assertEquals(50, store.claimDue("node-1", T0, Duration.ofMinutes(1), 100).size());
    }
  }

  /**
   * MariaDB: the claim is an ordered range scan of the due index (type {@code range}, key {@code
   * leases_due_idx}, no filesort), which reads only the due leases, and with most of the table due
   * reads only the batch: InnoDB locks rows as the scan returns them and stops at the limit.
   */
  @Test
  void mariadbClaimsThroughTheDueIndexWithoutSortingAndReadsOnlyTheBatch() throws SQLException {
    MariaDbServer server = MariaDbServer.get();
    DataSource dataSource = server.dataSource();
    JdbcLeaseStore store = MariaDbServer.freshStore(dataSource);
    Fixtures.fill(dataSource, SqlDialect.MARIADB, store.tablePrefix(), LEASES, T0.minusSeconds(3600),
        T0.minusSeconds(100));
    String claim = claimSql(store);
    String index = store.tablePrefix() + "leases_due_idx";

    String plan = String.join("\n", explain(dataSource, "EXPLAIN FORMAT=JSON " + claim));
    String analyzed = String.join("\n", explain(dataSource, "ANALYZE FORMAT=JSON " + claim));
    // Most of the table due (all 25,000 active leases): still the batch only.
    String allDue = String.join("\n", explain(dataSource, "ANALYZE FORMAT=JSON " + claim,
        T0.plus(Duration.ofDays(1))));
    // For the README: what the optimizer picks for the same query without the index hint.
    String unhinted = claim.replace(" FORCE INDEX (" + index + ")", "");
    String unhintedAllDue = String.join("\n", explain(dataSource, "EXPLAIN FORMAT=JSON " + unhinted,
        T0.plus(Duration.ofDays(1))));
    System.out.println("MariaDB " + server.version() + " claim query:\n" + claim
        + "\n\nEXPLAIN FORMAT=JSON:\n" + plan + "\n\nANALYZE FORMAT=JSON:\n" + analyzed
        + "\n\nANALYZE FORMAT=JSON, 25,000 due:\n" + allDue
        + "\n\nwithout FORCE INDEX, EXPLAIN FORMAT=JSON, 25,000 due:\n" + unhintedAllDue);

    for (String text : List.of(plan, analyzed, allDue)) {
      assertTrue(text.matches("(?s).*\"access_type\": \"range\".*"), text);
      assertTrue(text.contains("\"key\": \"" + index + "\""), text);
      assertFalse(text.contains("filesort"), text);
    }
    assertTrue(analyzed.matches("(?s).*\"r_rows\": 50\\b.*"), analyzed);
    assertTrue(allDue.matches("(?s).*\"r_rows\": 100\\b.*"), allDue);
    assertEquals(50, store.claimDue("node-1", T0, Duration.ofMinutes(1), 100).size());
  }

  /** The plan PostgreSQL uses for the claim once prepared, when it plans without the values. */
  private static List<String> explainGeneric(DataSource dataSource, String claim) throws SQLException {
    String prepared = claim.replaceFirst("\\?", "\\$1").replaceFirst("\\?", "\\$2");
    try (Connection connection = dataSource.getConnection();
        java.sql.Statement statement = connection.createStatement()) {
      connection.setAutoCommit(false);
      try {
        statement.execute("SET LOCAL plan_cache_mode = force_generic_plan");
        statement.execute("PREPARE dynsecret_claim(timestamptz, int) AS " + prepared);
        List<String> lines = new ArrayList<>();
        try (ResultSet rs = statement.executeQuery(
            "EXPLAIN EXECUTE dynsecret_claim('2030-01-01 00:00:00+00', 100)")) {
          while (rs.next()) {
            lines.add(rs.getString(1));
          }
        }
        statement.execute("DEALLOCATE dynsecret_claim");
        return lines;
      } finally {
        connection.rollback();
      }
    }
  }

  private static List<String> scanCounts(String analyzed) {
    List<String> counts = new ArrayList<>();
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("scanCount: (\\d+)").matcher(analyzed);
    while (m.find()) {
      counts.add(m.group(1));
    }
    return counts;
  }

  private Dialect dialect;

  private String claimSql(JdbcLeaseStore store) {
    dialect = Dialect.of(store.dialect());
    return new LeaseSql(dialect, new Tables(store.tablePrefix())).claimSelect;
  }

  /** The plan of the claim query for now = T0 and a batch of 100, in a transaction rolled back. */
  private List<String> explain(DataSource dataSource, String sql) throws SQLException {
    return explain(dataSource, sql, T0);
  }

  private List<String> explain(DataSource dataSource, String sql, Instant now) throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try (PreparedStatement explain = connection.prepareStatement(sql)) {
        dialect.bindClaimSelect(explain, now, 100);
        List<String> lines = new ArrayList<>();
        try (ResultSet rs = explain.executeQuery()) {
          while (rs.next()) {
            lines.add(rs.getString(1));
          }
        }
        return lines;
      } finally {
        connection.rollback();
      }
    }
  }
}
