package dev.dynsecret.jdbc;

import dev.dynsecret.spi.LeaseStore;
import dev.dynsecret.testkit.LeaseStoreContract;

/** The store contract on the embedded PostgreSQL server, with fresh tables per test. */
class PostgresLeaseStoreContractTest extends LeaseStoreContract {
  @Override
  protected LeaseStore newStore() {
    return EmbeddedPostgresDatabase.freshStore(EmbeddedPostgresDatabase.sharedPool());
  }
}
