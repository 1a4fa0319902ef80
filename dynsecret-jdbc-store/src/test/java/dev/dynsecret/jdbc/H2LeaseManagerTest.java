package dev.dynsecret.jdbc;

import dev.dynsecret.spi.LeaseStore;
import dev.dynsecret.testkit.LeaseManagerContract;
import org.junit.jupiter.api.AfterEach;

/** The engine's whole behaviour over the JDBC store on H2. */
class H2LeaseManagerTest extends LeaseManagerContract {
  private H2Database database;

  @Override
  protected LeaseStore newStore() {
    database = new H2Database();
    // The contract drives time with a TestClock, so the nodes decide by it, not the database's.
    return JdbcLeaseStore.builder(database.dataSource()).createSchema(true)
        .useDatabaseClock(false).build();
  }

  @AfterEach
  void dropDatabase() {
    database.close();
  }
}
