package dev.dynsecret.jdbc.internal;

import dev.dynsecret.ConflictException;
import dev.dynsecret.StoreException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.time.Duration;
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
  /** MariaDB and MySQL report every integrity violation as SQLState 23000 ... */
  private static final String INTEGRITY_VIOLATION = "23000";
  /** ... and a duplicate key by error code 1062 (ER_DUP_ENTRY) or 1586 (with the key's name). */
  private static final int ER_DUP_ENTRY = 1062;
  private static final int ER_DUP_ENTRY_WITH_KEY_NAME = 1586;

  private final DataSource dataSource;
  private final @Nullable Dialect dialect;
  private final int queryTimeoutSeconds;
  private final int networkTimeoutMillis;
  /** Cleared once the driver says it cannot set a network time-out (H2 embedded has no network). */
  private volatile boolean networkTimeoutSupported = true;

  /** Transactions on connections borrowed from {@code dataSource}, as the database sets them up. */
  public Transactions(DataSource dataSource) {
    this(dataSource, null, Duration.ZERO, Duration.ZERO);
  }

  /**
   * Transactions on connections borrowed from {@code dataSource}. Each statement is given {@code
   * queryTimeout} ({@link Statement#setQueryTimeout}: the database cancels a statement that runs
   * longer, for example one waiting for a lock), and each connection, while borrowed, {@code
   * networkTimeout} ({@link Connection#setNetworkTimeout}: the driver gives up on a database that
   * stops answering, as when the network drops packets, where a cancel could not get through
   * either). Zero leaves the driver's setting. Each multi-statement transaction is begun by {@link
   * Dialect#beginTransaction} of {@code dialect} (may be null: nothing to begin with).
   */
  public Transactions(DataSource dataSource, @Nullable Dialect dialect, Duration queryTimeout,
      Duration networkTimeout) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    this.dialect = dialect;
    this.queryTimeoutSeconds = (int) Math.min(Integer.MAX_VALUE,
        (queryTimeout.toMillis() + 999) / 1000);
    this.networkTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, networkTimeout.toMillis());
  }

  /**
   * Borrows a connection with the time-outs applied; the network time-out is put back as it was
   * when the connection is returned (a pool may hand it to code of the application's).
   */
  private Connection borrow() throws SQLException {
    Connection connection = dataSource.getConnection();
    int previous = -1;
    if (networkTimeoutMillis > 0 && networkTimeoutSupported) {
      try {
        previous = connection.getNetworkTimeout();
        connection.setNetworkTimeout(Runnable::run, networkTimeoutMillis);
      } catch (SQLFeatureNotSupportedException | UnsupportedOperationException e) {
        networkTimeoutSupported = false;
        previous = -1;
      } catch (SQLException | RuntimeException e) {
        connection.close();
        throw e;
      }
    }
    return queryTimeoutSeconds > 0 || previous >= 0 ? timed(connection, previous) : connection;
  }

  /**
   * The connection, giving every statement it makes the query time-out, and restoring the
   * network time-out when closed.
   */
  private Connection timed(Connection connection, int previousNetworkTimeout) {
    return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
        new Class<?>[] {Connection.class}, (proxy, method, args) -> {
          if (method.getName().equals("close") && previousNetworkTimeout >= 0) {
            try {
              connection.setNetworkTimeout(Runnable::run, previousNetworkTimeout);
            } catch (SQLException | RuntimeException ignored) {
              // A broken connection: closing it below is all that is left to do.
            }
          }
          Object result;
          try {
            result = method.invoke(connection, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
          if (result instanceof Statement statement && queryTimeoutSeconds > 0) {
            statement.setQueryTimeout(queryTimeoutSeconds);
          }
          return result;
        });
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
    try (Connection connection = borrow()) {
      boolean autoCommit = connection.getAutoCommit();
      if (autoCommit) {
        connection.setAutoCommit(false);
      }
      try {
        if (dialect != null) {
          dialect.beginTransaction(connection);
        }
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
    try (Connection connection = borrow()) {
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
      if (INTEGRITY_VIOLATION.equals(next.getSQLState())
          && (next.getErrorCode() == ER_DUP_ENTRY || next.getErrorCode() == ER_DUP_ENTRY_WITH_KEY_NAME)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether {@code e} was caused by a deadlock or serialization failure, after which the database
   * has rolled the transaction back and it may simply be run again: SQLState 40001 (MariaDB's
   * deadlock, PostgreSQL's serialization failure) or 40P01 (PostgreSQL's deadlock).
   */
  public static boolean isDeadlock(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof SQLException sql
          && ("40001".equals(sql.getSQLState()) || "40P01".equals(sql.getSQLState()))) {
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
