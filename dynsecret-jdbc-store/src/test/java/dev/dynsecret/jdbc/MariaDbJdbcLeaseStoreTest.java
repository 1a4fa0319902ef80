package dev.dynsecret.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

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

  /** MySQL Connector/J names a MariaDB server "MySQL"; the version string tells it apart. */
  @Test
  void aMariaDbServerReportedAsMySqlIsStillMariaDb() {
    DataSource asMySql = reportingProduct(dataSource(), "MySQL");

    JdbcLeaseStore detected = JdbcLeaseStore.builder(asMySql).tablePrefix(store.tablePrefix()).build();

    assertEquals(SqlDialect.MARIADB, detected.dialect());
  }

  /** The MySQL scripts are the MariaDB ones but for the collation name, as the README says. */
  @Test
  void theMySqlScriptsDifferOnlyInTheCollationName() {
    String mariadb = JdbcLeaseStore.schemaSql(SqlDialect.MARIADB, "acme_");
    String mysql = JdbcLeaseStore.schemaSql(SqlDialect.MYSQL, "acme_");

    assertFalse(mysql.contains("nopad"), mysql);
    assertEquals(mariadb.replace("utf8mb4_nopad_bin", "utf8mb4_0900_bin")
            .replace("MariaDB 10.6 or later", "MySQL 8.0.17 or later")
            .replace("SqlDialect.MARIADB", "SqlDialect.MYSQL")
            .replace("-- MariaDB commits", "-- MySQL commits"),
        mysql);
  }
}
