package dev.dynsecret.examples.postgres;

import dev.dynsecret.DefinitiveProviderException;
import dev.dynsecret.ProviderException;
import dev.dynsecret.TransientProviderException;
import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Set;

/**
 * Turns {@link SQLException}s into the SPI's two kinds of failure, by SQLState: what a retry may
 * cure (the server is unreachable, restarting, overloaded; a lock or serialization conflict) is
 * transient, everything else (no permission, wrong password, an unknown role or database) is
 * definitive.
 */
final class SqlFailures {
  /** Single states worth retrying outside the transient classes 08, 40 and 53. */
  private static final Set<String> TRANSIENT_STATES = Set.of(
      "57P01", // admin_shutdown
      "57P02", // crash_shutdown
      "57P03", // cannot_connect_now (starting up, in recovery)
      "57P05", // idle_session_timeout
      "57014", // query_canceled (statement_timeout)
      "55P03", // lock_not_available
      "58030"); // io_error

  private SqlFailures() {}

  /**
   * The SPI exception for {@code e}.
   *
   * @param what what was being done, e.g. {@code creating role dynsecret_0190… for lease …}
   */
  static ProviderException classify(String what, SQLException e) {
    String message = what + " failed: " + describe(e);
    return isTransient(e)
        ? new TransientProviderException(message, e)
        : new DefinitiveProviderException(message, e);
  }

  /** Whether a retry may succeed. */
  static boolean isTransient(SQLException e) {
    String state = sqlState(e);
    if (state == null) {
      // No state: the driver never got an answer. A lost connection is worth retrying.
      return e instanceof SQLTransientException || e instanceof SQLRecoverableException
          || e.getCause() instanceof IOException;
    }
    return state.startsWith("08") // connection_exception
        || state.startsWith("40") // transaction_rollback: serialization failure, deadlock
        || state.startsWith("53") // insufficient_resources: too many connections, out of memory
        || TRANSIENT_STATES.contains(state);
  }

  /** Whether {@code e} says the login was refused (class 28: wrong password, no such role). */
  static boolean isAuthenticationFailure(SQLException e) {
    String state = sqlState(e);
    return state != null && state.startsWith("28");
  }

  /** Whether {@code e} says an object (a role) does not exist. */
  static boolean isUndefinedObject(SQLException e) {
    return "42704".equals(sqlState(e));
  }

  /** The state and the server's message; never the statement, which the driver does not echo. */
  static String describe(SQLException e) {
    String state = sqlState(e);
    return (state == null ? "" : "SQLState " + state + ": ") + e.getMessage();
  }

  private static String sqlState(SQLException e) {
    for (SQLException next = e; next != null; next = next.getNextException()) {
      if (next.getSQLState() != null) {
        return next.getSQLState();
      }
    }
    return null;
  }
}
