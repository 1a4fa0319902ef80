package dev.dynsecret.jdbc;

import dev.dynsecret.spi.LeaseStore;
import dev.dynsecret.testkit.LeaseManagerContract;

/** The engine's whole behaviour over the JDBC store on PostgreSQL. */
class PostgresLeaseManagerTest extends LeaseManagerContract {
  @Override
  protected LeaseStore newStore() {
    return EmbeddedPostgresDatabase.freshStore(EmbeddedPostgresDatabase.sharedPool());
  }
}
