package dev.dynsecret.jdbc;

import dev.dynsecret.spi.LeaseStore;
import dev.dynsecret.testkit.LeaseStoreContract;

/** The store contract on the embedded PostgreSQL server, with fresh tables per test. */
class PostgresLeaseStoreContractTest extends LeaseStoreContract {
  private String prefix;

  @Override
  protected LeaseStore newStore() {
    prefix = EmbeddedPostgresDatabase.freshPrefix();
    return JdbcLeaseStore.builder(EmbeddedPostgresDatabase.sharedPool()).tablePrefix(prefix)
        .createSchema(true).build();
  }

  /**
   * A second store object on the same tables, as a second application instance opens it; its
   * statements run on other connections of the pool, so on other database sessions.
   */
  @Override
  protected LeaseStore newStoreOnSameStorage() {
    return JdbcLeaseStore.builder(EmbeddedPostgresDatabase.sharedPool()).tablePrefix(prefix).build();
  }
}
