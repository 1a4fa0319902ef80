package dev.dynsecret.jdbc;

import dev.dynsecret.spi.LeaseStore;
import dev.dynsecret.testkit.LeaseStoreContract;

/** The store contract on a real MariaDB server ({@link MariaDbServer}), with fresh tables per test. */
class MariaDbLeaseStoreContractTest extends LeaseStoreContract {
  @Override
  protected LeaseStore newStore() {
    return MariaDbServer.freshStore(MariaDbServer.sharedPool());
  }
}
