package dev.dynsecret.jdbc;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The databases {@link JdbcLeaseStore} supports. The store detects the database from {@link
 * java.sql.DatabaseMetaData#getDatabaseProductName()}; set one with {@link
 * JdbcLeaseStore.Builder#dialect} to override the detection.
 */
public enum SqlDialect {
  /** H2 2.x: the embedded choice, for one application instance. */
  H2("H2", "h2"),
  /** PostgreSQL 10 or later: for several application instances sharing leases. */
  POSTGRESQL("PostgreSQL", "postgresql"),
  /**
   * MariaDB 10.6 or later (the first with {@code SKIP LOCKED}): for several application instances
   * sharing leases. Also chosen when MySQL Connector/J reports a MariaDB server as "MySQL".
   */
  MARIADB("MariaDB", "mariadb"),
  /**
   * MySQL 8.0.17 or later (the first with the {@code utf8mb4_0900_bin} collation the schema uses):
   * for several application instances sharing leases. Same SQL as {@link #MARIADB} but for one
   * collation name; see the module README for what was and was not tried on a MySQL server.
   */
  MYSQL("MySQL", "mysql");

  private final String productName;
  private final String resourceDirectory;

  SqlDialect(String productName, String resourceDirectory) {
    this.productName = productName;
    this.resourceDirectory = resourceDirectory;
  }

  /** {@return the product name the JDBC driver reports for this database} */
  public String productName() {
    return productName;
  }

  /**
   * {@return the classpath folder holding this database's schema scripts, for example {@code
   * dev/dynsecret/jdbc/schema/postgresql}}
   */
  public String schemaResourceDirectory() {
    return "dev/dynsecret/jdbc/schema/" + resourceDirectory;
  }

  /**
   * {@return the dialect of a database whose driver reports {@code productName}, if supported}
   *
   * @param productName the driver's {@code DatabaseMetaData.getDatabaseProductName()}
   */
  public static Optional<SqlDialect> forProductName(@Nullable String productName) {
    return Arrays.stream(values())
        .filter(d -> d.productName.equalsIgnoreCase(productName == null ? "" : productName.strip()))
        .findFirst();
  }

  /** The supported product names, for error messages: {@code H2, PostgreSQL, MariaDB, MySQL}. */
  static String supportedProducts() {
    return Arrays.stream(values()).map(SqlDialect::productName).collect(Collectors.joining(", "));
  }
}
