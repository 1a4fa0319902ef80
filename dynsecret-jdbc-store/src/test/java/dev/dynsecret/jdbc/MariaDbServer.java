package dev.dynsecret.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.dynsecret.buildsupport.SecretsUsed;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.Assumptions;
import org.mariadb.jdbc.MariaDbDataSource;
import org.slf4j.LoggerFactory;

/**
 * One real MariaDB server for the whole test JVM, from the machine's {@code mariadb-server}
 * package (Debian: {@code apt-get install mariadb-server}; {@code .ci/run} installs it when
 * missing). Started on first use on a private data directory and a free loopback port, stopped
 * by a shutdown hook when the test JVM exits (the data directory is deleted with it). Tests share
 * it and keep apart by table prefix, like {@link EmbeddedPostgresDatabase}.
 *
 * <p>Without MariaDB on the machine the tests that need it are skipped, saying why, except under
 * CI ({@code CI=true}), where they fail: CI must run them.
 *
 * <p>The server runs with the machine's defaults where they matter to the store (InnoDB,
 * {@code REPEATABLE READ}, the server's default collation, the system time zone), so the tests
 * show the store copes with them. Durability is relaxed as for the embedded PostgreSQL (no flush
 * per commit): the tests are about the store's queries, not this machine's disk. It runs as
 * {@code --user=root} when the JVM runs as root (this project's machines and CI): mariadbd
 * refuses root otherwise.
 */
final class MariaDbServer {
  private static final AtomicInteger PREFIXES = new AtomicInteger();
  private static final Duration START_DEADLINE = Duration.ofSeconds(90);
  private static final String DATABASE = "dynsecret";
  private static final String USER = "dynsecret";

  private static MariaDbServer server;
  private static String unavailable;
  private static RuntimeException startFailure;
  private static boolean reported;
  private static HikariDataSource sharedPool;

  private final Process process;
  private final Path dataDir;
  private final int port;
  private final String password;
  private final String version;

  private MariaDbServer(Process process, Path dataDir, int port, String password, String version) {
    this.process = process;
    this.dataDir = dataDir;
    this.port = port;
    this.password = password;
    this.version = version;
  }

  /**
   * The server, started on first call. Aborts the calling test (skipped, with the reason) when
   * MariaDB is not installed, unless {@code CI=true}; then it fails.
   */
  static synchronized MariaDbServer get() {
    if (startFailure != null) {
      throw startFailure; // once is enough to try: every later test reports the same failure
    }
    if (server == null && unavailable == null) {
      Optional<Path> mariadbd = find("mariadbd", "mysqld");
      Optional<Path> installDb = find("mariadb-install-db", "mysql_install_db");
      if (mariadbd.isEmpty() || installDb.isEmpty()) {
        unavailable = "MariaDB is not installed (no mariadbd/mysqld and mariadb-install-db on PATH,"
            + " /usr/sbin or /usr/bin); install Debian's mariadb-server package to run the MariaDB"
            + " tests (.ci/run does)";
      } else {
        try {
          server = start(mariadbd.get(), installDb.get());
        } catch (RuntimeException e) {
          startFailure = e;
          throw e;
        }
      }
    }
    if (server == null) {
      if (!reported) {
        reported = true;
        LoggerFactory.getLogger(MariaDbServer.class).warn("MariaDB tests skipped: {}", unavailable);
      }
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        throw new IllegalStateException(unavailable + ". CI=true: the MariaDB tests must run in CI");
      }
      Assumptions.abort(unavailable);
    }
    return server;
  }

  /** A pool of ten connections shared by tests that need no pool of their own. */
  static synchronized DataSource sharedPool() {
    if (sharedPool == null) {
      sharedPool = get().pool("mariadb-shared", 10);
    }
    return sharedPool;
  }

  /** A table prefix no other test in this JVM uses. */
  static String freshPrefix() {
    return "m" + PREFIXES.incrementAndGet() + "_";
  }

  /** A store with a fresh prefix and its schema created. */
  static JdbcLeaseStore freshStore(DataSource dataSource) {
    // The tests using it drive time with a TestClock, so nodes decide by it, not the database's.
    return JdbcLeaseStore.builder(dataSource).tablePrefix(freshPrefix()).createSchema(true)
        .useDatabaseClock(false).build();
  }

  /** {@code jdbc:mariadb://127.0.0.1:<port>/dynsecret}, without credentials. */
  String jdbcUrl() {
    return "jdbc:mariadb://127.0.0.1:" + port + "/" + DATABASE;
  }

  /** The server's version, as it reports it (e.g. {@code 10.11.6-MariaDB-0+deb12u1}). */
  String version() {
    return version;
  }

  /** A plain, unpooled data source for the test user: every getConnection() opens a connection. */
  MariaDbDataSource dataSource() {
    return dataSource("");
  }

  /** As {@link #dataSource()}, with driver options appended to the URL ({@code ?a=b&c=d}). */
  MariaDbDataSource dataSource(String options) {
    try {
      MariaDbDataSource dataSource = new MariaDbDataSource(jdbcUrl() + options);
      dataSource.setUser(USER);
      dataSource.setPassword(password);
      return dataSource;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A HikariCP pool of at most {@code size} connections for the test user. */
  HikariDataSource pool(String name, int size) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl());
    config.setUsername(USER);
    config.setPassword(password);
    config.setPoolName(name);
    config.setMaximumPoolSize(size);
    config.setMinimumIdle(0);
    return new HikariDataSource(config);
  }

  // ---------------------------------------------------------------- starting and stopping

  private static Optional<Path> find(String... names) {
    List<Path> dirs = new ArrayList<>();
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!dir.isEmpty()) {
        dirs.add(Path.of(dir));
      }
    }
    dirs.addAll(List.of(Path.of("/usr/sbin"), Path.of("/usr/bin"), Path.of("/usr/local/sbin"),
        Path.of("/usr/local/bin")));
    for (String name : names) {
      for (Path dir : dirs) {
        Path candidate = dir.resolve(name);
        if (Files.isExecutable(candidate)) {
          return Optional.of(candidate);
        }
      }
    }
    return Optional.empty();
  }

  private static MariaDbServer start(Path mariadbd, Path installDb) {
    try {
      Path dataDir = Files.createTempDirectory("dynsecret-mariadb-");
      boolean root = "root".equals(System.getProperty("user.name"));
      String password = HexFormat.of().formatHex(new SecureRandom().generateSeed(12));
      SecretsUsed.record(password);

      List<String> install = new ArrayList<>(List.of(installDb.toString(), "--no-defaults",
          "--datadir=" + dataDir.resolve("data"), "--auth-root-authentication-method=normal",
          "--skip-test-db", "--skip-name-resolve"));
      if (root) {
        install.add("--user=root");
      }
      run(install, dataDir.resolve("install.log"), Duration.ofMinutes(3));

      // Runs at start-up with full rights: the database and a real, password-protected user.
      Path init = dataDir.resolve("init.sql");
      Files.writeString(init, String.join("\n",
          "CREATE DATABASE IF NOT EXISTS " + DATABASE + ";",
          "CREATE USER IF NOT EXISTS '" + USER + "'@'127.0.0.1' IDENTIFIED BY '" + password + "';",
          "GRANT ALL PRIVILEGES ON " + DATABASE + ".* TO '" + USER + "'@'127.0.0.1';",
          ""), StandardCharsets.UTF_8);

      int port = freePort();
      List<String> command = new ArrayList<>(List.of(mariadbd.toString(), "--no-defaults",
          "--datadir=" + dataDir.resolve("data"),
          "--socket=" + dataDir.resolve("mariadb.sock"),
          "--pid-file=" + dataDir.resolve("mariadb.pid"),
          "--log-error=" + dataDir.resolve("error.log"),
          "--port=" + port, "--bind-address=127.0.0.1", "--skip-name-resolve",
          "--init-file=" + init,
          "--character-set-server=utf8mb4",
          "--max-connections=300",
          "--innodb-buffer-pool-size=256M",
          // Relaxed durability, as fsync=off for the embedded PostgreSQL.
          "--innodb-flush-log-at-trx-commit=0", "--innodb-doublewrite=0", "--skip-log-bin"));
      if (root) {
        command.add("--user=root");
      }
      Process process = new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(dataDir.resolve("mariadbd.out").toFile())
          .start();
      MariaDbServer started = new MariaDbServer(process, dataDir, port, password, null);
      Runtime.getRuntime().addShutdownHook(new Thread(started::stop, "mariadb-stop"));
      String version = started.awaitConnections();
      return new MariaDbServer(process, dataDir, port, password, version);
    } catch (IOException e) {
      throw new UncheckedIOException("MariaDB did not start", e);
    }
  }

  /** Polls with a real login until the server answers, it dies, or the deadline passes. */
  private String awaitConnections() {
    long deadline = System.nanoTime() + START_DEADLINE.toNanos();
    SQLException last = null;
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("mariadbd exited with " + process.exitValue()
            + " while starting; its log:\n" + tail(dataDir.resolve("error.log")));
      }
      try (Connection connection = DriverManager.getConnection(jdbcUrl(), USER, password)) {
        return connection.getMetaData().getDatabaseProductVersion();
      } catch (SQLException e) {
        last = e;
      }
      try {
        process.waitFor(100, TimeUnit.MILLISECONDS); // returns at once if it dies meanwhile
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for MariaDB", e);
      }
    }
    stop();
    throw new IllegalStateException("MariaDB did not accept connections on port " + port
        + " within " + START_DEADLINE.toSeconds() + " s (last error: "
        + (last == null ? "none" : last.getMessage()) + "); its log:\n"
        + tail(dataDir.resolve("error.log")));
  }

  private void stop() {
    process.destroy(); // SIGTERM: mariadbd shuts down cleanly
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    try (Stream<Path> files = Files.walk(dataDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // Leftovers in the temporary directory only.
    }
  }

  private static void run(List<String> command, Path log, Duration timeout) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(command.get(0) + " did not finish in " + timeout);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    if (p.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " exited with " + p.exitValue()
          + ":\n" + tail(log));
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }
}
