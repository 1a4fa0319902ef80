package dev.dynsecret.jdbc.internal;

import dev.dynsecret.jdbc.SqlDialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;

/** H2 2.x, embedded: standard FETCH FIRST, and a claim query shaped for H2's row locking. */
final class H2Dialect extends Dialect {

  @Override
  public SqlDialect kind() {
    return SqlDialect.H2;
  }

  @Override
  public String tableExistsSql() {
    // LOWER: H2 stores unquoted names in upper case unless DATABASE_TO_LOWER is set.
    return "SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES"
        + " WHERE TABLE_SCHEMA = CURRENT_SCHEMA AND LOWER(TABLE_NAME) = ?";
  }

  @Override
  public String limitClause() {
    return "FETCH FIRST ? ROWS ONLY";
  }

  /**
   * H2 locks every row its scan passes before it sorts and limits, so a plain {@code ... ORDER BY
   * due_at FETCH FIRST n ROWS ONLY FOR UPDATE} would lock all due leases. Here the subquery picks
   * the first n from the index (index sorted, stops after n) and only those are locked. The outer
   * {@code due_at <= ?} is re-checked by H2 on the locked row, so a lease another node claimed
   * meanwhile is dropped, not claimed twice. The lower bound keeps the range scan off the leases
   * without due_at, which H2 indexes as the smallest values.
   */
  @Override
  public String claimSelectSql(Tables tables) {
    return "SELECT " + LeaseRows.COLUMNS + " FROM " + tables.leases()
        + " WHERE due_at <= ? AND id IN (SELECT id FROM " + tables.leases()
        + " WHERE due_at >= TIMESTAMP WITH TIME ZONE '0001-01-01 00:00:00+00' AND due_at <= ?"
        + " ORDER BY due_at FETCH FIRST ? ROWS ONLY)"
        + " ORDER BY due_at FOR UPDATE SKIP LOCKED";
  }

  /**
   * H2 picks the batch before skipping locked rows, so two claimers at once would split one
   * batch, each get less than it asked, and each conclude that nothing more is due. Claims are
   * therefore taken one at a time, by locking the schema-version rows (a few rows nothing else
   * locks; plain reads of them do not wait). Claim transactions are short, and the next claimer
   * then sees the first one's claims and takes a full batch of its own.
   */
  @Override
  public void beforeClaim(Connection connection, Tables tables) throws SQLException {
    try (Statement lock = connection.createStatement();
        ResultSet rows = lock.executeQuery(
            "SELECT version FROM " + tables.schemaVersion() + " FOR UPDATE")) {
      while (rows.next()) {
        // Locked as read.
      }
    }
  }

  @Override
  public void bindClaimSelect(PreparedStatement statement, Instant now, int limit)
      throws SQLException {
    setTime(statement, 1, now);
    setTime(statement, 2, now);
    statement.setInt(3, limit);
  }

  @Override
  public void bindIds(Connection connection, PreparedStatement statement, int index,
      List<String> ids) throws SQLException {
    statement.setArray(index, connection.createArrayOf("VARCHAR", ids.toArray()));
  }

  @Override
  public String purgeSql(Tables tables) {
    return "DELETE FROM " + tables.leases() + " WHERE state = 'REVOKED' AND revoked_at < ?"
        + " FETCH FIRST ? ROWS ONLY";
  }
}
