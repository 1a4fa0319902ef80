package dev.dynsecret.jdbc.internal;

import dev.dynsecret.jdbc.SqlDialect;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/** PostgreSQL: partial indexes, arrays for the claim update, an advisory lock for schema changes. */
final class PostgresDialect extends Dialect {

  @Override
  public SqlDialect kind() {
    return SqlDialect.POSTGRESQL;
  }

  @Override
  public String tableExistsSql() {
    // to_regclass resolves the name through search_path, exactly as the store's unqualified SQL will.
    return "SELECT CASE WHEN to_regclass(CAST(? AS text)) IS NULL THEN 0 ELSE 1 END";
  }

  @Override
  public String limitClause() {
    return "LIMIT ?";
  }

  @Override
  public void bindIds(Connection connection, PreparedStatement statement, int index,
      List<String> ids) throws SQLException {
    Array array = connection.createArrayOf("varchar", ids.toArray());
    statement.setArray(index, array);
  }

  @Override
  public String purgeSql(Tables tables) {
    // The literal 'REVOKED' lets the planner use the partial index on revoked_at.
    return "DELETE FROM " + tables.leases() + " WHERE id IN (SELECT id FROM " + tables.leases()
        + " WHERE state = 'REVOKED' AND revoked_at < ? LIMIT ?)";
  }

  /** {@code clock_timestamp()}: the time now, where CURRENT_TIMESTAMP is the transaction's start. */
  @Override
  public String currentTimeSql() {
    return "SELECT clock_timestamp()";
  }

  @Override
  public void lockForSchemaChange(Connection connection, Tables tables) throws SQLException {
    try (PreparedStatement lock = connection.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
      // One lock per table prefix; released when the creating transaction ends.
      lock.setLong(1, 0x64796e73L << 32 | (tables.prefix().hashCode() & 0xffffffffL));
      lock.execute();
    }
  }
}
