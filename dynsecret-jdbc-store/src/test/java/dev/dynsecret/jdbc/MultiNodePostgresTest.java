package dev.dynsecret.jdbc;

import com.zaxxer.hikari.HikariDataSource;

/** {@link MultiNodeBehaviour} on the embedded PostgreSQL server. */
class MultiNodePostgresTest extends MultiNodeBehaviour {
  @Override
  protected String freshPrefix() {
    return EmbeddedPostgresDatabase.freshPrefix();
  }

  @Override
  protected HikariDataSource pool(String name, int size) {
    return EmbeddedPostgresDatabase.pool(name, size);
  }
}
