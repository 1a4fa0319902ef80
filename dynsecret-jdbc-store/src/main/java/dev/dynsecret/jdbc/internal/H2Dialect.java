package dev.dynsecret.jdbc.internal;

import dev.dynsecret.jdbc.SqlDialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/** H2 2.x, embedded: standard FETCH FIRST, arrays as Object[] parameters. */
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
