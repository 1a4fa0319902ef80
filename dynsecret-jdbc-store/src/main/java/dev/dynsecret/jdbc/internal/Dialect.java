package dev.dynsecret.jdbc.internal;

import dev.dynsecret.jdbc.SqlDialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What differs between databases: a few SQL fragments and statements. Everything else the store
 * runs is standard SQL built in {@link LeaseSql}. One small subclass per database, as in
 * db-scheduler's {@code JdbcCustomization}.
 */
public abstract class Dialect {

  /** The implementation of {@code dialect}. */
  public static Dialect of(SqlDialect dialect) {
    return switch (dialect) {
      case H2 -> new H2Dialect();
      case POSTGRESQL -> new PostgresDialect();
      case MARIADB, MYSQL -> new MariaDbDialect(dialect);
    };
  }

  /** Which database this is. */
  public abstract SqlDialect kind();

  /**
   * A query with one parameter, a lowercase table name, returning one row whose first column is
   * positive if the table is visible to unqualified SQL on this connection.
   */
  public abstract String tableExistsSql();

  /** The clause that limits a query to {@code ?} rows, placed after ORDER BY. */
  public abstract String limitClause();

  /**
   * Selects and locks up to a limit of leases due at or before now, earliest first, skipping rows
   * another transaction holds. Selects {@link LeaseRows#COLUMNS}; parameters are bound by {@link
   * #bindClaimSelect}.
   */
  public String claimSelectSql(Tables tables) {
    return "SELECT " + LeaseRows.COLUMNS + " FROM " + tables.leases()
        + " WHERE due_at <= ? ORDER BY due_at " + limitClause() + " FOR UPDATE SKIP LOCKED";
  }

  /**
   * Runs first in every claim transaction. The default does nothing: where {@code SKIP LOCKED}
   * applies the limit after skipping, concurrent claimers each get a full batch without waiting.
   */
  public void beforeClaim(Connection connection, Tables tables) throws SQLException {}

  /** Binds now and the limit to {@link #claimSelectSql}. */
  public void bindClaimSelect(PreparedStatement statement, Instant now, int limit)
      throws SQLException {
    setTime(statement, 1, now);
    statement.setInt(2, limit);
  }

  /**
   * Marks {@code count} selected leases claimed. Parameters: claimed_by, due_at, then the ids as
   * bound by {@link #bindIds}. The default binds the ids as one array, whatever their number.
   */
  public String claimUpdateSql(Tables tables, int count) {
    return "UPDATE " + tables.leases() + " SET claimed_by = ?, due_at = ?, version = version + 1"
        + " WHERE id = ANY (?)";
  }

  /** Binds a list of ids from parameter {@code index} of {@link #claimUpdateSql}. */
  public abstract void bindIds(Connection connection, PreparedStatement statement, int index,
      List<String> ids) throws SQLException;

  /**
   * Binds a time parameter, or SQL NULL. The default binds a UTC {@link java.time.OffsetDateTime},
   * for TIMESTAMP WITH TIME ZONE columns.
   */
  public void setTime(PreparedStatement statement, int index, @Nullable Instant instant)
      throws SQLException {
    LeaseRows.setTime(statement, index, instant);
  }

  /** Reads a time column as written by {@link #setTime}, or null. */
  public @Nullable Instant time(ResultSet rs, int index) throws SQLException {
    return LeaseRows.offsetTime(rs, index);
  }

  /**
   * Runs first in every multi-statement transaction, before its first statement (auto-commit is
   * already off). The default does nothing: the database's default READ COMMITTED applies.
   */
  public void beginTransaction(Connection connection) throws SQLException {}

  /**
   * Makes a dynamic secret's lock row; parameter: the secret name. The default is a plain insert,
   * whose duplicate key error means another node made it first.
   */
  public String makeSecretLockSql(Tables tables) {
    return "INSERT INTO " + tables.secretLocks() + " (secret_name) VALUES (?)";
  }

  /**
   * Deletes up to {@code ?} revoked leases revoked before {@code ?}. Parameters: cutoff, limit.
   */
  public abstract String purgeSql(Tables tables);

  /**
   * Serializes schema creation among nodes starting at once, inside the creating transaction. The
   * default does nothing; the loser of a race then fails, re-reads the version and finds the
   * schema made.
   */
  public void lockForSchemaChange(Connection connection, Tables tables) throws SQLException {}

  /**
   * Releases what {@link #lockForSchemaChange} took, if it outlives the transaction; called
   * whether or not the change succeeded. The default does nothing (transaction-scoped locks).
   */
  public void unlockAfterSchemaChange(Connection connection, Tables tables) throws SQLException {}

  /**
   * A query returning one row whose first column is the database's current time (not the
   * transaction's start), readable as {@link java.time.OffsetDateTime}: the clock that every node
   * sharing the database decides by. The default is standard SQL.
   */
  public String currentTimeSql() {
    return "SELECT CURRENT_TIMESTAMP";
  }

  /** Reads the answer of {@link #currentTimeSql()}: a time with its offset, by default. */
  public Instant currentTime(ResultSet rs) throws SQLException {
    return rs.getObject(1, java.time.OffsetDateTime.class).toInstant();
  }

  @Override
  public String toString() {
    return kind().productName();
  }
}
