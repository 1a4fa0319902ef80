package dev.dynsecret.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;

/** A database server a figure runs on: {@link Postgres} or {@link MariaDb}. */
interface BenchDatabase extends AutoCloseable {
  /** The name printed in result rows: {@code PostgreSQL}, {@code MariaDB}. */
  String name();

  /** A HikariCP pool of {@code size} connections, all opened at once. */
  HikariDataSource pool(String name, int size);

  /** A new table prefix with the schema created by the store itself. */
  String freshSchema();

  /**
   * Inserts active, APIC-shaped leases numbered {@code from..to} (ids {@code <tag>-<n>}, n padded
   * to 10 digits), expiring and due at {@code dueAt}, in one server-side INSERT … SELECT; version 1.
   */
  void bulkInsert(String prefix, String secretName, String tag, long from, long to, Instant createdAt,
      Instant dueAt, Instant hardLimitAt);

  /** Fresh optimizer statistics for the lease table. */
  void analyze(String prefix);

  /** The pool the benchmark's own statements run on (two connections). */
  HikariDataSource admin();

  /** Runs one statement on the admin pool. */
  default void execute(String sql) {
    try (Connection c = admin().getConnection(); Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql + " failed", e);
    }
  }

  /** Drops every table of the lease store with {@code prefix}. */
  default void dropStore(String prefix) {
    for (String table : new String[] {"leases", "secret_locks", "schema_version"}) {
      execute("DROP TABLE IF EXISTS " + prefix + table);
    }
  }

  @Override
  void close();
}
