package dev.dynsecret.jdbc;

import dev.dynsecret.spi.LeaseStore;
import dev.dynsecret.testkit.LeaseManagerContract;

/** The engine's whole behaviour over the JDBC store on a real MariaDB server. */
class MariaDbLeaseManagerTest extends LeaseManagerContract {
  @Override
  protected LeaseStore newStore() {
    return MariaDbServer.freshStore(MariaDbServer.sharedPool());
  }
}
