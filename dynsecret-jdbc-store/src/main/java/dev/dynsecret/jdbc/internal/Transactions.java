package dev.dynsecret.jdbc.internal;

import dev.dynsecret.ConflictException;
import dev.dynsecret.StoreException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * Runs each store operation as one short transaction on a connection of its own, which is closed
 * (returned to the pool) whatever happens. A {@link SQLException} becomes a {@link StoreException}
 * naming the operation; no transaction outlives the method that opened it, so none is ever held
 * across a provider call.
 */
public final class Transactions {
  /** SQLState for a unique constraint violation (PostgreSQL and H2 alike). */
  private static final String UNIQUE_VIOLATION = "23505";

  private final DataSource dataSource;

  /** Transactions on connections borrowed from {@code dataSource}. */
  public Transactions(DataSource dataSource) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
  }

  /** Work to do inside a transaction. */
  @FunctionalInterface
  public interface Work<T extends @Nullable Object> {
    T run(Connection connection) throws SQLException;
  }

  /**
   * Runs {@code work} in a transaction and commits it; rolls back if it throws.
   *
   * @param operation what is being done, for the error message ("update of lease X")
   */
  public <T extends @Nullable Object> T run(String operation, Work<T> work) {
    return run(() -> operation, work);
  }

  /** As {@link #run(String, Work)}, the operation's description built only on failure. */
  public <T extends @Nullable Object> T run(Supplier<String> operation, Work<T> work) {
    try (Connection connection = dataSource.getConnection()) {
      boolean autoCommit = connection.getAutoCommit();
      if (autoCommit) {
        connection.setAutoCommit(false);
      }
      try {
        T result = work.run(connection);
        connection.commit();
        return result;
      } catch (SQLException | RuntimeException | Error e) {
        rollback(connection, e);
        throw e;
      } finally {
        if (autoCommit) {
          restoreAutoCommit(connection);
        }
      }
    } catch (SQLException e) {
      throw translate(operation.get(), e);
    }
  }

  /**
   * Runs {@code work} in auto-commit mode: each statement is its own transaction, which saves the
   * round trip of a separate COMMIT. For work whose statements need not be atomic together: most of
   * the store's operations are one statement (an update's follow-up read, which only explains a
   * compare-and-set that already failed, needs no atomicity); claims need {@link #run}.
   *
   * @param operation what is being done, for the error message
   */
  public <T extends @Nullable Object> T single(Supplier<String> operation, Work<T> work) {
    try (Connection connection = dataSource.getConnection()) {
      boolean autoCommit = connection.getAutoCommit();
      if (!autoCommit) {
        connection.setAutoCommit(true);
      }
      try {
        return work.run(connection);
      } finally {
        if (!autoCommit) {
          connection.setAutoCommit(false);
        }
      }
    } catch (SQLException e) {
      throw translate(operation.get(), e);
    }
  }

  private static void rollback(Connection connection, Throwable cause) {
    try {
      connection.rollback();
    } catch (SQLException rollbackFailure) {
      cause.addSuppressed(rollbackFailure);
    }
  }

  private static void restoreAutoCommit(Connection connection) {
    try {
      connection.setAutoCommit(true);
    } catch (SQLException ignored) {
      // The connection is broken; closing it below is all that is left to do.
    }
  }

  /** Whether {@code e} (or a cause) reports a duplicate key. */
  public static boolean isDuplicateKey(SQLException e) {
    for (SQLException next = e; next != null; next = next.getNextException()) {
      if (UNIQUE_VIOLATION.equals(next.getSQLState())) {
        return true;
      }
    }
    return false;
  }

  /** The exception a caller sees for a database failure during {@code operation}. */
  public static StoreException translate(String operation, SQLException e) {
    String state = e.getSQLState() == null ? "" : " [SQLState " + e.getSQLState() + "]";
    return new StoreException("lease store: " + operation + " failed: " + e.getMessage() + state, e);
  }

  /** A duplicate-key failure of an insert, as the {@link dev.dynsecret.spi.LeaseStore} contract names it. */
  public static ConflictException duplicate(String leaseId) {
    return new ConflictException("a lease with id '" + leaseId + "' is stored already");
  }
}
