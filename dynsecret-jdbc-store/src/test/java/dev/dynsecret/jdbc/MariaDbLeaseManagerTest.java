package dev.dynsecret.jdbc;

import dev.dynsecret.spi.LeaseStore;
import dev.dynsecret.testkit.LeaseManagerContract;
import org.junit.jupiter.api.BeforeAll;

/** The engine's whole behaviour over the JDBC store on a real MariaDB server. */
class MariaDbLeaseManagerTest extends LeaseManagerContract {
  /**
   * Skips (or, under CI, fails) the whole class at once when MariaDB is not installed: a test
   * skipped in the contract's {@code @BeforeEach} would fail in its {@code @AfterEach}, which
   * expects a manager. (Surefire then reports the class as 0 tests; the reason is in the log.)
   */
  @BeforeAll
  static void startMariaDb() {
    MariaDbServer.get();
  }

  @Override
  protected LeaseStore newStore() {
    return MariaDbServer.freshStore(MariaDbServer.sharedPool());
  }
}
