package dev.dynsecret.jdbc;

import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;

/** {@link JdbcLeaseStoreBehaviour} on a fresh in-memory H2 database per test. */
class H2JdbcLeaseStoreTest extends JdbcLeaseStoreBehaviour {
  private H2Database database;
  private int prefixes;

  @AfterEach
  void dropDatabase() {
    database.close();
    database = null;
  }

  @Override
  protected DataSource dataSource() {
    if (database == null) {
      database = new H2Database();
    }
    return database.dataSource();
  }

  @Override
  protected String freshPrefix() {
    return "p" + ++prefixes + "_";
  }

  @Override
  protected SqlDialect expectedDialect() {
    return SqlDialect.H2;
  }

  @Override
  protected DataSource dataSourceInTimeZone(String zone) {
    // H2 takes its session time zone from the JVM's default when a connection opens; set it there.
    org.h2.jdbcx.JdbcDataSource source = new org.h2.jdbcx.JdbcDataSource();
    source.setURL(database.url() + ";TIME ZONE=" + zone);
    source.setUser("sa");
    return source;
  }
}
