package dev.dynsecret.jdbc;

import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/** {@link JdbcLeaseStoreBehaviour} on the embedded PostgreSQL server, a fresh prefix per test. */
class PostgresJdbcLeaseStoreTest extends JdbcLeaseStoreBehaviour {
  private static final DataSource DATA_SOURCE = EmbeddedPostgresDatabase.sharedPool();

  @Override
  protected DataSource dataSource() {
    return DATA_SOURCE;
  }

  @Override
  protected String freshPrefix() {
    return EmbeddedPostgresDatabase.freshPrefix();
  }

  @Override
  protected SqlDialect expectedDialect() {
    return SqlDialect.POSTGRESQL;
  }

  @Override
  protected DataSource dataSourceInTimeZone(String zone) {
    PGSimpleDataSource source = EmbeddedPostgresDatabase.dataSource();
    source.setOptions("-c TimeZone=" + zone);
    return source;
  }
}
