package dev.dynsecret.jdbc;

import com.zaxxer.hikari.HikariDataSource;

/** {@link MultiNodeBehaviour} on a real MariaDB server ({@link MariaDbServer}). */
class MultiNodeMariaDbTest extends MultiNodeBehaviour {
  @Override
  protected String freshPrefix() {
    return MariaDbServer.freshPrefix();
  }

  @Override
  protected HikariDataSource pool(String name, int size) {
    return MariaDbServer.get().pool(name, size);
  }
}
