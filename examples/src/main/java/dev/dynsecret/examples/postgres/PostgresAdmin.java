package dev.dynsecret.examples.postgres;

import dev.dynsecret.Secret;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;

/**
 * One dynamic secret's way into PostgreSQL: the database, the administering role and its
 * password, and the roles each lease is granted. Built by {@link PostgresRoleProvider#connect}
 * from a checked configuration; immutable, so safe for any number of threads.
 *
 * <p>Each provider call opens its own connection and closes it at once. Leases are created and
 * revoked far less often than a pool would pay off, and no administrator session stays open
 * between calls.
 */
public final class PostgresAdmin {
  /** Seconds to wait for the TCP connection and the login. */
  private static final String CONNECT_TIMEOUT_SECONDS = "10";
  /** Seconds a single statement may take before the connection is given up as broken. */
  private static final String SOCKET_TIMEOUT_SECONDS = "60";

  private final String jdbcUrl;
  private final String username;
  private final Secret password;
  private final List<String> grants;

  PostgresAdmin(String jdbcUrl, String username, Secret password, List<String> grants) {
    this.jdbcUrl = jdbcUrl;
    this.username = username;
    this.password = password;
    this.grants = List.copyOf(grants);
  }

  /** The database URL, without credentials; lease holders connect to it too. */
  public String jdbcUrl() {
    return jdbcUrl;
  }

  /** The administering role. */
  public String username() {
    return username;
  }

  /** The roles every lease's role is granted, already checked as identifiers. */
  public List<String> grants() {
    return grants;
  }

  /** A new connection as the administering role, with auto-commit on. */
  Connection open() throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", username);
    properties.setProperty("password", password.reveal());
    properties.setProperty("ApplicationName", "dynsecret");
    properties.setProperty("connectTimeout", CONNECT_TIMEOUT_SECONDS);
    properties.setProperty("loginTimeout", CONNECT_TIMEOUT_SECONDS);
    properties.setProperty("socketTimeout", SOCKET_TIMEOUT_SECONDS);
    // The driver directly, not DriverManager: DriverManager only sees drivers visible to the
    // caller's class loader, which an application server or plugin loader may hide.
    Connection connection = new org.postgresql.Driver().connect(jdbcUrl, properties);
    if (connection == null) { // connect() answers null for URLs it does not handle
      throw new SQLException("the PostgreSQL driver does not accept the configured jdbcUrl", "08001");
    }
    return connection;
  }

  /** Names the database, role and grants; never the password. */
  @Override
  public String toString() {
    return "PostgresAdmin[" + jdbcUrl + " as " + username + ", grants " + grants + "]";
  }
}
