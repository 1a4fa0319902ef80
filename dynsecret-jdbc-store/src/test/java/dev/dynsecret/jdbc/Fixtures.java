package dev.dynsecret.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import javax.sql.DataSource;

/**
 * Bulk rows for plan and scale tests, written with one INSERT ... SELECT on the server: going
 * through the store one lease at a time would spend the test's time on setup.
 */
final class Fixtures {
  private Fixtures() {}

  /**
   * Adds {@code count} leases of ten secrets to the store's table: every other lease is REVOKED
   * history (no due_at), the rest are ACTIVE and due {@code firstDue} plus their number in
   * seconds, so that exactly those with {@code firstDue + n s <= now} are due at {@code now}.
   */
  static void fill(DataSource dataSource, SqlDialect dialect, String prefix, int count,
      Instant createdAt, Instant firstDue) throws SQLException {
    if (dialect == SqlDialect.MARIADB) {
      fillMariaDb(dataSource, prefix, count, createdAt, firstDue);
      return;
    }
    String rows = dialect == SqlDialect.POSTGRESQL
        ? "generate_series(1, ?) AS g(n)"
        : "SYSTEM_RANGE(1, ?) AS g(n)";
    String seconds = dialect == SqlDialect.POSTGRESQL
        ? "CAST(? AS timestamptz) + n * INTERVAL '1 second'"
        : "DATEADD(SECOND, n, CAST(? AS TIMESTAMP WITH TIME ZONE))";
    String sql = "INSERT INTO " + prefix + "leases (id, secret_name, external_id, state, created_at,"
        + " expires_at, hard_limit_at, revoked_at, revoke_reason, revocation_attempts, metadata,"
        + " version, due_at)"
        + " SELECT 'bulk-' || LPAD(CAST(n AS VARCHAR(10)), 9, '0'), 'secret-' || CAST(MOD(n, 10) AS VARCHAR(2)),"
        + " 'ext-' || CAST(n AS VARCHAR(10)),"
        + " CASE WHEN MOD(n, 2) = 0 THEN 'REVOKED' ELSE 'ACTIVE' END, ?, " + seconds + ", ?,"
        + " CASE WHEN MOD(n, 2) = 0 THEN ? END, CASE WHEN MOD(n, 2) = 0 THEN 'EXPIRED' END,"
        + " 0, '{}', 0,"
        + " CASE WHEN MOD(n, 2) = 1 THEN " + seconds + " END"
        + " FROM " + rows;
    OffsetDateTime created = OffsetDateTime.ofInstant(createdAt, ZoneOffset.UTC);
    OffsetDateTime due = OffsetDateTime.ofInstant(firstDue, ZoneOffset.UTC);
    try (Connection connection = dataSource.getConnection();
        PreparedStatement insert = connection.prepareStatement(sql)) {
      insert.setObject(1, created);
      insert.setObject(2, due);
      insert.setObject(3, created.plusHours(8));
      insert.setObject(4, created);
      insert.setObject(5, due);
      insert.setInt(6, count);
      insert.executeUpdate();
      try (Statement analyze = connection.createStatement()) {
        analyze.execute(dialect == SqlDialect.POSTGRESQL ? "ANALYZE " + prefix + "leases" : "ANALYZE");
      }
    }
  }

  /**
   * The same rows on MariaDB: numbers from its sequence engine ({@code seq_1_to_N}), CONCAT for
   * strings ({@code ||} is OR there), and times as UTC DATETIME values, as the store writes them.
   */
  private static void fillMariaDb(DataSource dataSource, String prefix, int count, Instant createdAt,
      Instant firstDue) throws SQLException {
    String seconds = "DATE_ADD(?, INTERVAL n SECOND)";
    String sql = "INSERT INTO " + prefix + "leases (id, secret_name, external_id, state, created_at,"
        + " expires_at, hard_limit_at, revoked_at, revoke_reason, revocation_attempts, metadata,"
        + " version, due_at)"
        + " SELECT CONCAT('bulk-', LPAD(n, 9, '0')), CONCAT('secret-', MOD(n, 10)), CONCAT('ext-', n),"
        + " CASE WHEN MOD(n, 2) = 0 THEN 'REVOKED' ELSE 'ACTIVE' END, ?, " + seconds + ", ?,"
        + " CASE WHEN MOD(n, 2) = 0 THEN ? END, CASE WHEN MOD(n, 2) = 0 THEN 'EXPIRED' END,"
        + " 0, '{}', 0,"
        + " CASE WHEN MOD(n, 2) = 1 THEN " + seconds + " END"
        + " FROM (SELECT seq AS n FROM seq_1_to_" + count + ") g";
    java.time.LocalDateTime created = java.time.LocalDateTime.ofInstant(createdAt, ZoneOffset.UTC);
    java.time.LocalDateTime due = java.time.LocalDateTime.ofInstant(firstDue, ZoneOffset.UTC);
    try (Connection connection = dataSource.getConnection();
        PreparedStatement insert = connection.prepareStatement(sql)) {
      insert.setObject(1, created);
      insert.setObject(2, due);
      insert.setObject(3, created.plusHours(8));
      insert.setObject(4, created);
      insert.setObject(5, due);
      insert.executeUpdate();
      try (Statement analyze = connection.createStatement()) {
        // Persistent statistics for the optimizer, as after a DBA's ANALYZE.
        analyze.execute("ANALYZE TABLE " + prefix + "leases");
      }
    }
  }
}
