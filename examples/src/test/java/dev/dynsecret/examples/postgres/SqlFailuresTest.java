package dev.dynsecret.examples.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynsecret.ProviderException;
import java.io.EOFException;
import java.sql.SQLException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * Which SQL failures the engine retries: the server unreachable, restarting, overloaded or in a
 * lock conflict is transient; anything about permissions, credentials or missing objects is not.
 */
class SqlFailuresTest {

  @ParameterizedTest(name = "{0} ({2}) is transient: {1}")
  @CsvSource({
      "08001, true, cannot connect",
      "08006, true, connection failure",
      "53300, true, too many connections",
      "57P01, true, admin shutdown",
      "57P03, true, cannot connect now",
      "40001, true, serialization failure",
      "40P01, true, deadlock",
      "55P03, true, lock not available",
      "57014, true, statement timeout",
      "42501, false, insufficient privilege",
      "28P01, false, wrong password",
      "28000, false, no such role",
      "42704, false, undefined object",
      "42601, false, syntax error",
      "3D000, false, no such database",
      "2BP01, false, objects depend on the role",
      "57P04, false, database dropped"})
  void classifiesBySqlState(String state, boolean transientFailure, String meaning) {
    ProviderException e = SqlFailures.classify("creating role r", new SQLException(meaning, state));

    assertEquals(transientFailure, e.isTransient());
    assertTrue(e.getMessage().startsWith("creating role r failed: SQLState " + state), e.getMessage());
  }

  @Test
  void aLostConnectionWithoutStateIsTransient() {
    SQLException lost = new SQLException("stream closed", null, new EOFException());

    assertTrue(SqlFailures.classify("dropping role r", lost).isTransient());
  }
}
