package dev.dynsecret.jdbc.internal;

import dev.dynsecret.StoreException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's schema: versioned SQL scripts shipped as resources, one folder per database, and a
 * small table recording the versions installed. The store checks the version when it is built,
 * creates or upgrades the schema only when asked to, and refuses a schema newer than it knows.
 */
public final class Schema {
  private static final Logger log = LoggerFactory.getLogger(Schema.class);

  /** The scripts, in order; script {@code n} brings the schema from version n - 1 to n. */
  private static final List<String> SCRIPTS = List.of("V1__leases.sql", "V2__lease_limit_locks.sql");

  /** The schema version this code reads and writes. */
  public static final int CURRENT_VERSION = SCRIPTS.size();

  private final Dialect dialect;
  private final Tables tables;
  private final @Nullable Transactions transactions;

  /** The schema of the tables named by {@code tables}; {@code transactions} may be null to only read scripts. */
  public Schema(Dialect dialect, Tables tables, @Nullable Transactions transactions) {
    this.dialect = dialect;
    this.tables = tables;
    this.transactions = transactions;
  }

  /** The classpath location of script {@code version}, e.g. {@code dev/dynsecret/jdbc/schema/h2/V1__leases.sql}. */
  public String resource(int version) {
    return dialect.kind().schemaResourceDirectory() + "/" + SCRIPTS.get(version - 1);
  }

  /** Every script up to the current version, with the prefix filled in, as one text. */
  public String fullScript() {
    StringBuilder all = new StringBuilder();
    for (int version = 1; version <= CURRENT_VERSION; version++) {
      all.append(tables.substitute(load(resource(version))));
    }
    return all.toString();
  }

  /**
   * Checks that the schema is at the current version, creating or upgrading it first if {@code
   * create} is set.
   *
   * @throws StoreException saying what is wrong and how to fix it
   */
  public void ensure(boolean create) {
    int installed = installedVersion();
    if (installed == CURRENT_VERSION) {
      return;
    }
    if (installed > CURRENT_VERSION) {
      throw new StoreException("lease store schema (table " + tables.schemaVersion() + ") is at"
          + " version " + installed + ", newer than version " + CURRENT_VERSION + " that this"
          + " dynsecret-jdbc-store understands; upgrade dynsecret-jdbc-store on this node"
          + " (nothing was changed)");
    }
    if (!create) {
      throw new StoreException(installed == 0
          ? "lease store schema not found: table " + tables.schemaVersion() + " does not exist on "
              + dialect + ". Build the store with createSchema(true), or have a DBA run "
              + scriptList(1) + " from the classpath with ${prefix} replaced by '" + tables.prefix()
              + "' (JdbcLeaseStore.schemaSql prints the SQL)"
          : "lease store schema is at version " + installed + ", older than version "
              + CURRENT_VERSION + " this dynsecret-jdbc-store needs. Build the store with"
              + " createSchema(true) to upgrade it, or run " + scriptList(installed + 1)
              + " with ${prefix} replaced by '" + tables.prefix() + "'");
    }
    upgrade();
  }

  private String scriptList(int fromVersion) {
    List<String> names = new ArrayList<>();
    for (int version = fromVersion; version <= CURRENT_VERSION; version++) {
      names.add(resource(version));
    }
    return String.join(", ", names);
  }

  /** The installed schema version; 0 when there is no schema at all. */
  public int installedVersion() {
    return transactions.run("reading the schema version", this::installedVersion);
  }

  private int installedVersion(Connection connection) throws SQLException {
    if (!tableExists(connection, tables.schemaVersion())) {
      if (tableExists(connection, tables.leases())) {
        throw new StoreException("table " + tables.leases() + " exists but "
            + tables.schemaVersion() + " does not: the schema was not made by dynsecret's scripts;"
            + " refusing to use or change it");
      }
      return 0;
    }
    try (Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery(
            "SELECT COALESCE(MAX(version), 0) FROM " + tables.schemaVersion())) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private boolean tableExists(Connection connection, String table) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(dialect.tableExistsSql())) {
      statement.setString(1, table);
      try (ResultSet rs = statement.executeQuery()) {
        return rs.next() && rs.getInt(1) > 0;
      }
    }
  }

  private void upgrade() {
    try {
      transactions.run("creating the lease store schema", connection -> {
        dialect.lockForSchemaChange(connection, tables);
        // Another node may have done it while this one waited for the lock.
        int installed = installedVersion(connection);
        for (int version = installed + 1; version <= CURRENT_VERSION; version++) {
          runScript(connection, version);
        }
        return null;
      });
    } catch (StoreException e) {
      // On a database without transactional DDL two nodes can race; the loser finds it done.
      if (installedVersion() != CURRENT_VERSION) {
        throw e;
      }
    }
  }

  private void runScript(Connection connection, int version) throws SQLException {
    String resource = resource(version);
    try (Statement statement = connection.createStatement()) {
      for (String sql : statements(tables.substitute(load(resource)))) {
        statement.execute(sql);
      }
    }
    log.info("LeaseRecord store schema on {}: applied {} (table prefix '{}')", dialect, resource,
        tables.prefix());
  }

  /** The statements of a script: comments dropped, split at each {@code ;} that ends a line. */
  static List<String> statements(String script) {
    StringBuilder text = new StringBuilder();
    for (String line : script.split("\n")) {
      int comment = line.indexOf("--");
      text.append(comment >= 0 ? line.substring(0, comment) : line).append('\n');
    }
    List<String> statements = new ArrayList<>();
    for (String part : text.toString().split(";\\s*\n")) {
      String sql = part.strip();
      if (!sql.isEmpty()) {
        statements.add(sql.endsWith(";") ? sql.substring(0, sql.length() - 1) : sql);
      }
    }
    return statements;
  }

  private static String load(String resource) {
    // Through the Class, not its loader: on the module path the scripts' folders count as packages
    // of this module, and a class loader only hands out resources of packages a module opens.
    try (InputStream in = Schema.class.getResourceAsStream("/" + resource)) {
      if (in == null) {
        throw new IllegalStateException("schema script " + resource + " is missing from the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("schema script " + resource + " cannot be read", e);
    }
  }
}
