package dev.dynsecret.jdbc.internal;

import dev.dynsecret.StoreException;
import dev.dynsecret.jdbc.SqlDialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * MariaDB 10.6+ and MySQL 8.0.17+ (InnoDB). The same SQL serves both; their schema scripts differ
 * only in the name of the binary, no-pad collation. What differs from PostgreSQL:
 *
 * <ul>
 *   <li>Times are {@code DATETIME(6)} holding UTC, bound and read as a {@link LocalDateTime}: the
 *       drivers pass a {@code LocalDateTime} through unchanged, whatever the JVM's or the session's
 *       time zone, where an {@code OffsetDateTime} or {@code Timestamp} would be converted through
 *       one of them. ({@code TIMESTAMP} columns do convert through the session time zone and end
 *       in 2038.)
 *   <li>Multi-statement transactions (claims, creates within a lease limit) run at {@code READ
 *       COMMITTED}: the InnoDB default, {@code REPEATABLE READ}, takes gap locks on the ranges a
 *       locking read scans, so a claim would block other nodes' revocations writing index
 *       entries into the gaps it scanned.
 *   <li>No arrays: a claim marks its batch with {@code id IN (?, ?, ...)}.
 *   <li>DDL commits at once, so a transaction cannot serialize schema creation; a named lock
 *       ({@code GET_LOCK}, held by the session until released) does.
 * </ul>
 */
final class MariaDbDialect extends Dialect {
  /** Seconds a node waits for another node creating the schema before giving up. */
  private static final int SCHEMA_LOCK_SECONDS = 60;

  private final SqlDialect kind;

  MariaDbDialect(SqlDialect kind) {
    this.kind = kind;
  }

  @Override
  public SqlDialect kind() {
    return kind;
  }

  @Override
  public String tableExistsSql() {
    // Compared as bytes: with lower_case_table_names=0 (Linux) names are case-sensitive, and the
    // store's names are all lowercase, as every lower_case_table_names setting stores them.
    return "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()"
        + " AND CAST(TABLE_NAME AS BINARY) = CAST(? AS BINARY)";
  }

  @Override
  public String limitClause() {
    return "LIMIT ?";
  }

  /**
   * The index is named so that the claim is always the ordered range scan of the due index: InnoDB
   * then locks rows as it reads them and stops after the limit, skipping rows other claimers hold.
   * Were the optimizer to choose a table scan and a sort instead (it may when most of the table is
   * due), it would lock every due row before sorting, and other nodes would find nothing to claim.
   */
  @Override
  public String claimSelectSql(Tables tables) {
    return "SELECT " + LeaseRows.COLUMNS + " FROM " + tables.leases()
        + " FORCE INDEX (" + tables.dueIndex() + ")"
        + " WHERE due_at <= ? ORDER BY due_at " + limitClause() + " FOR UPDATE SKIP LOCKED";
  }

  @Override
  public String claimUpdateSql(Tables tables, int count) {
    return "UPDATE " + tables.leases() + " SET claimed_by = ?, due_at = ?, version = version + 1"
        + " WHERE id IN (" + String.join(", ", Collections.nCopies(count, "?")) + ")";
  }

  @Override
  public void bindIds(Connection connection, PreparedStatement statement, int index,
      List<String> ids) throws SQLException {
    for (int i = 0; i < ids.size(); i++) {
      statement.setString(index + i, ids.get(i));
    }
  }

  @Override
  public void setTime(PreparedStatement statement, int index, @Nullable Instant instant)
      throws SQLException {
    if (instant == null) {
      statement.setNull(index, Types.TIMESTAMP);
    } else {
      statement.setObject(index, LocalDateTime.ofInstant(instant.truncatedTo(ChronoUnit.MICROS),
          ZoneOffset.UTC));
    }
  }

  /** UTC, with microseconds, and not the statement's start time as NOW() would be. */
  @Override
  public String currentTimeSql() {
    return "SELECT UTC_TIMESTAMP(6)";
  }

  /** {@code UTC_TIMESTAMP(6)} is a DATETIME without an offset, in UTC. */
  @Override
  public Instant currentTime(ResultSet rs) throws SQLException {
    return rs.getObject(1, LocalDateTime.class).toInstant(ZoneOffset.UTC);
  }

  @Override
  public @Nullable Instant time(ResultSet rs, int index) throws SQLException {
    LocalDateTime value = rs.getObject(index, LocalDateTime.class);
    return value == null ? null : value.toInstant(ZoneOffset.UTC);
  }

  /**
   * Applies to the next transaction only, so nothing needs restoring before the connection goes
   * back to its pool; statements run in auto-commit mode keep the session's level (each is one
   * short statement by primary key, or the purge, where it makes no difference that matters).
   */
  @Override
  public void beginTransaction(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED");
    }
  }

  /** No error to catch when another node made the row first: the upsert changes nothing. */
  @Override
  public String makeSecretLockSql(Tables tables) {
    return "INSERT INTO " + tables.secretLocks() + " (secret_name) VALUES (?)"
        + " ON DUPLICATE KEY UPDATE secret_name = secret_name";
  }

  @Override
  public String purgeSql(Tables tables) {
    // Single-table DELETE takes ORDER BY and LIMIT on both; the literal serves the (state,
    // revoked_at) index.
    return "DELETE FROM " + tables.leases() + " WHERE state = 'REVOKED' AND revoked_at < ?"
        + " ORDER BY revoked_at LIMIT ?";
  }

  @Override
  public void lockForSchemaChange(Connection connection, Tables tables) throws SQLException {
    try (PreparedStatement lock = connection.prepareStatement("SELECT GET_LOCK(?, ?)")) {
      lock.setString(1, lockName(tables));
      lock.setInt(2, SCHEMA_LOCK_SECONDS);
      try (ResultSet rs = lock.executeQuery()) {
        if (!rs.next() || rs.getInt(1) != 1) {
          throw new StoreException("lease store: another node has been creating the schema for "
              + tables.prefix() + "* for " + SCHEMA_LOCK_SECONDS + " s (named lock '"
              + lockName(tables) + "'); nothing was changed");
        }
      }
    }
  }

  @Override
  public void unlockAfterSchemaChange(Connection connection, Tables tables) throws SQLException {
    // A named lock belongs to the session, not the transaction: a pooled connection would keep it.
    try (PreparedStatement unlock = connection.prepareStatement("SELECT RELEASE_LOCK(?)")) {
      unlock.setString(1, lockName(tables));
      unlock.executeQuery().close();
    }
  }

  private static String lockName(Tables tables) {
    return "dynsecret_schema:" + tables.prefix();
  }
}
