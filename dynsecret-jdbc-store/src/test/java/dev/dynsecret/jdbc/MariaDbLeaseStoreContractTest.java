package dev.dynsecret.jdbc;

import dev.dynsecret.spi.LeaseStore;
import dev.dynsecret.testkit.LeaseStoreContract;

/** The store contract on a real MariaDB server ({@link MariaDbServer}), with fresh tables per test. */
class MariaDbLeaseStoreContractTest extends LeaseStoreContract {
  private String prefix;

  @Override
  protected LeaseStore newStore() {
    prefix = MariaDbServer.freshPrefix();
    return JdbcLeaseStore.builder(MariaDbServer.sharedPool()).tablePrefix(prefix)
        .createSchema(true).build();
  }

  /**
   * A second store object on the same tables, as a second application instance opens it; its
   * statements run on other connections of the pool, so on other database sessions.
   */
  @Override
  protected LeaseStore newStoreOnSameStorage() {
    return JdbcLeaseStore.builder(MariaDbServer.sharedPool()).tablePrefix(prefix).build();
  }
}
