/**
 * The JDBC lease store, {@link dev.dynsecret.jdbc.JdbcLeaseStore}. Only {@code dev.dynsecret.jdbc}
 * is exported; the dialects and SQL live in {@code dev.dynsecret.jdbc.internal}. The JDBC driver is
 * the application's choice and is not required here.
 */
module dev.dynsecret.jdbc {
  exports dev.dynsecret.jdbc;

  requires transitive dev.dynsecret;
  // JdbcLeaseStore.builder takes a javax.sql.DataSource.
  requires transitive java.sql;
  requires com.fasterxml.jackson.databind;
  requires org.slf4j;
  requires static org.jspecify;
}
