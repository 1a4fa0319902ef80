package dev.dynsecret.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.dynsecret.jdbc.JdbcLeaseStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * One MariaDB server for the run, from the machine's {@code mariadb-server} package, started as
 * dynsecret-jdbc-store's tests start it ({@code MariaDbServer} there): a private data directory
 * made by {@code mariadb-install-db}, a free loopback port, a password-protected user, stopped and
 * deleted at the end. Durability is relaxed as for the embedded PostgreSQL ({@code
 * innodb_flush_log_at_trx_commit=0}, no doublewrite, no binary log) and the buffer pool is 512 MB,
 * PostgreSQL's shared_buffers here: the figures are about the library's queries, not the disk.
 */
final class MariaDb implements BenchDatabase {
  private static final AtomicInteger PREFIXES = new AtomicInteger();
  private static final String DATABASE = "dynsecret";
  private static final String USER = "dynsecret";

  private final Process process;
  private final Path dir;
  private final String url;
  private final String password;
  private final HikariDataSource admin;
  final String version;
  /** Driver options appended to the URL of the pools {@link #pool} makes ({@code ?a=b}), or "". */
  private volatile String poolOptions = "";

  MariaDb() {
    Path mariadbd = find("mariadbd", "mysqld");
    Path installDb = find("mariadb-install-db", "mysql_install_db");
    try {
      dir = Files.createTempDirectory("dynsecret-bench-mariadb-");
      boolean root = "root".equals(System.getProperty("user.name"));
      password = HexFormat.of().formatHex(new SecureRandom().generateSeed(12));
      List<String> install = new ArrayList<>(List.of(installDb.toString(), "--no-defaults",
          "--datadir=" + dir.resolve("data"), "--auth-root-authentication-method=normal",
          "--skip-test-db", "--skip-name-resolve"));
      if (root) {
        install.add("--user=root");
      }
      Process p = new ProcessBuilder(install).redirectErrorStream(true)
          .redirectOutput(dir.resolve("install.log").toFile()).start();
      if (!p.waitFor(180, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException("mariadb-install-db failed; see " + dir.resolve("install.log"));
      }
      Path init = dir.resolve("init.sql");
      Files.writeString(init, "CREATE DATABASE IF NOT EXISTS " + DATABASE + ";\n"
          + "CREATE USER IF NOT EXISTS '" + USER + "'@'127.0.0.1' IDENTIFIED BY '" + password + "';\n"
          + "GRANT ALL PRIVILEGES ON " + DATABASE + ".* TO '" + USER + "'@'127.0.0.1';\n",
          StandardCharsets.UTF_8);
      int port;
      try (ServerSocket socket = new ServerSocket(0)) {
        port = socket.getLocalPort();
      }
      List<String> command = new ArrayList<>(List.of(mariadbd.toString(), "--no-defaults",
          "--datadir=" + dir.resolve("data"), "--socket=" + dir.resolve("mariadb.sock"),
          "--pid-file=" + dir.resolve("mariadb.pid"), "--log-error=" + dir.resolve("error.log"),
          "--port=" + port, "--bind-address=127.0.0.1", "--skip-name-resolve",
          "--init-file=" + init, "--character-set-server=utf8mb4", "--max-connections=300",
          "--innodb-buffer-pool-size=512M", "--innodb-flush-log-at-trx-commit=0",
          "--innodb-doublewrite=0", "--skip-log-bin"));
      if (root) {
        command.add("--user=root");
      }
      process = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(dir.resolve("mariadbd.out").toFile()).start();
      Runtime.getRuntime().addShutdownHook(new Thread(this::stop, "mariadb-stop"));
      url = "jdbc:mariadb://127.0.0.1:" + port + "/" + DATABASE;
      version = awaitConnections();
    } catch (IOException e) {
      throw new UncheckedIOException("MariaDB did not start", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    admin = pool("admin", 2);
    Scenarios.say("MariaDB " + version + " on " + url);
  }

  private String awaitConnections() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("mariadbd exited; see " + dir.resolve("error.log"));
      }
      try (Connection c = DriverManager.getConnection(url, USER, password)) {
        return c.getMetaData().getDatabaseProductVersion();
      } catch (SQLException notYet) {
        process.waitFor(100, TimeUnit.MILLISECONDS);
      }
    }
    throw new IllegalStateException("MariaDB did not accept connections in 90 s");
  }

  /** Whether this machine has a MariaDB server to start. */
  static boolean installed() {
    try {
      find("mariadbd", "mysqld");
      return true;
    } catch (IllegalStateException e) {
      return false;
    }
  }

  private static Path find(String... names) {
    for (String name : names) {
      for (String d : ("/usr/sbin:/usr/bin:/usr/local/sbin:/usr/local/bin:"
          + System.getenv().getOrDefault("PATH", "")).split(":")) {
        if (!d.isEmpty() && Files.isExecutable(Path.of(d, name))) {
          return Path.of(d, name);
        }
      }
    }
    throw new IllegalStateException("MariaDB is not installed (no " + String.join(" or ", names)
        + "): apt-get install mariadb-server");
  }

  @Override
  public String name() {
    return "MariaDB";
  }

  /** Driver options for the pools made from now on, e.g. {@code ?useServerPrepStmts=true}. */
  void poolOptions(String options) {
    this.poolOptions = options;
  }

  @Override
  public HikariDataSource pool(String name, int size) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url + (name.equals("admin") ? "" : poolOptions));
    config.setUsername(USER);
    config.setPassword(password);
    config.setPoolName(name);
    config.setMaximumPoolSize(size);
    config.setMinimumIdle(size);
    return new HikariDataSource(config);
  }

  @Override
  public String freshSchema() {
    String prefix = "b" + PREFIXES.incrementAndGet() + "_";
    JdbcLeaseStore.builder(admin).tablePrefix(prefix).createSchema(true).build();
    return prefix;
  }

  /** As {@link Postgres#bulkInsert}, numbers from MariaDB's sequence engine ({@code seq_1_to_N}). */
  @Override
  public void bulkInsert(String prefix, String secretName, String tag, long from, long to,
      Instant createdAt, Instant dueAt, Instant hardLimitAt) {
    String sql = "INSERT INTO " + prefix + "leases (id, secret_name, external_id, state, created_at,"
        + " expires_at, hard_limit_at, revocation_attempts, metadata, version, due_at)"
        + " SELECT CONCAT(?, LPAD(seq, 10, '0')), ?, MD5(CONCAT(seq, ?)), 'ACTIVE', ?, ?, ?, 0,"
        + " CONCAT('{\"credentialName\":\"dynsecret-', ?, LPAD(seq, 10, '0'), '\"}'), 1, ?"
        + " FROM seq_" + from + "_to_" + to;
    try (Connection c = admin.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
      String idPrefix = tag + "-";
      s.setString(1, idPrefix);
      s.setString(2, secretName);
      s.setString(3, tag);
      s.setObject(4, utc(createdAt));
      s.setObject(5, utc(dueAt));
      s.setObject(6, utc(hardLimitAt));
      s.setString(7, idPrefix);
      s.setObject(8, utc(dueAt));
      s.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException("bulk insert failed", e);
    }
  }

  private static LocalDateTime utc(Instant instant) {
    return LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
  }

  @Override
  public void analyze(String prefix) {
    execute("ANALYZE TABLE " + prefix + "leases");
  }

  @Override
  public HikariDataSource admin() {
    return admin;
  }

  @Override
  public void close() {
    admin.close();
    stop();
  }

  private void stop() {
    if (process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // Leftovers in the temporary directory only.
    }
  }
}
