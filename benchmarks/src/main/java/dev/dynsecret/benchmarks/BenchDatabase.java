package dev.dynsecret.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
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

  /** Drops every table of the lease store with {@code prefix}. */
  void dropStore(String prefix);

  @Override
  void close();
}
