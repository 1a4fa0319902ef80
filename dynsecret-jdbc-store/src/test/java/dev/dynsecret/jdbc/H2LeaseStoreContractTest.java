package dev.dynsecret.jdbc;

import dev.dynsecret.spi.LeaseStore;
import dev.dynsecret.testkit.LeaseStoreContract;
import org.junit.jupiter.api.AfterEach;

/** The store contract on a fresh in-memory H2 database per test. */
class H2LeaseStoreContractTest extends LeaseStoreContract {
  private H2Database database;

  @Override
  protected LeaseStore newStore() {
    database = new H2Database();
    return JdbcLeaseStore.builder(database.dataSource()).createSchema(true).build();
  }

  /** A second store object on the same database, as a second application instance opens it. */
  @Override
  protected LeaseStore newStoreOnSameStorage() {
    return JdbcLeaseStore.builder(database.dataSource()).build();
  }

  @AfterEach
  void dropDatabase() {
    database.close();
  }
}
