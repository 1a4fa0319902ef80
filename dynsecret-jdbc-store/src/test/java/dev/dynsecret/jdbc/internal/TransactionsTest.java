package dev.dynsecret.jdbc.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.sql.SQLTransactionRollbackException;
import org.junit.jupiter.api.Test;

/** Which database failures a claim may simply be tried again after. */
class TransactionsTest {

  @Test
  void deadlocksAndSerializationFailuresAreRetryableWhereverTheyAreInTheCauses() {
    SQLException mariaDbDeadlock = new SQLTransactionRollbackException(
        "Deadlock found when trying to get lock; try restarting transaction", "40001", 1213);
    assertTrue(Transactions.isDeadlock(Transactions.translate("claiming", mariaDbDeadlock)));
    assertTrue(Transactions.isDeadlock(new SQLException("deadlock detected", "40P01")));
    assertTrue(Transactions.isDeadlock(new RuntimeException(new SQLException("x", "40001"))));
  }

  @Test
  void otherFailuresAreNot() {
    assertFalse(Transactions.isDeadlock(Transactions.translate("claiming",
        new SQLException("duplicate key", "23505"))));
    assertFalse(Transactions.isDeadlock(new SQLException("connection refused", "08001")));
    assertFalse(Transactions.isDeadlock(new SQLException("no state")));
    assertFalse(Transactions.isDeadlock(new IllegalStateException("not SQL")));
  }
}
