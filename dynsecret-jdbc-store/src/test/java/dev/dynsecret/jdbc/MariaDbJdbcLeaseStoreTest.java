package dev.dynsecret.jdbc;

import javax.sql.DataSource;

/** {@link JdbcLeaseStoreBehaviour} on a real MariaDB server, a fresh prefix per test. */
class MariaDbJdbcLeaseStoreTest extends JdbcLeaseStoreBehaviour {
  @Override
  protected DataSource dataSource() {
    return MariaDbServer.sharedPool();
  }

  @Override
  protected String freshPrefix() {
    return MariaDbServer.freshPrefix();
  }

  @Override
  protected SqlDialect expectedDialect() {
    return SqlDialect.MARIADB;
  }

  /**
   * The session time zone as an offset: a named zone needs the server's time zone tables, which
   * a fresh data directory lacks. -03:30 is St. John's standard time, the odd offset the test wants.
   */
  @Override
  protected DataSource dataSourceInTimeZone(String zone) {
    String offset = switch (zone) {
      case "America/St_Johns" -> "-03:30";
      default -> throw new IllegalArgumentException("no offset known for " + zone);
    };
    return MariaDbServer.get().dataSource("?sessionVariables=time_zone='" + offset + "'");
  }
}
