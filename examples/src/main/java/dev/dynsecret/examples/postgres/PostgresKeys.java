package dev.dynsecret.examples.postgres;

import java.util.List;

/**
 * The configuration keys of the {@value PostgresRoleProvider#TYPE} provider. Any other key is
 * rejected, so a typo fails when the dynamic secret is registered instead of being ignored.
 */
public final class PostgresKeys {
  private PostgresKeys() {}

  /**
   * Required. The database the roles are for, e.g. {@code jdbc:postgresql://db.example.com/app}.
   * It is also handed to lease holders as {@link PostgresRoleProvider#JDBC_URL}, so it must not
   * carry a user name or password: those go in {@link #USERNAME} and {@link #PASSWORD}.
   */
  public static final String JDBC_URL = "jdbcUrl";

  /**
   * Required. The role the provider logs in as to create and drop roles. It needs {@code
   * CREATEROLE} (a superuser works but is more than needed) and, on PostgreSQL 16 and later, the
   * {@code ADMIN OPTION} on every role in {@link #GRANTS}.
   */
  public static final String USERNAME = "username";

  /** Required, secret. The password of {@link #USERNAME}; taken as given, white space included. */
  public static final String PASSWORD = "password";

  /**
   * Optional. Roles every lease's role is made a member of, comma-separated, e.g. {@code
   * orders_read, orders_write}: this is what the credential may do. Each must be a plain
   * identifier (letters, digits, {@code _} and {@code $}, not starting with a digit, at most 63
   * bytes), spelled as in {@code pg_roles} (case matters).
   */
  public static final String GRANTS = "grants";

  /** Every key, required ones first. */
  public static final List<String> ALL = List.of(JDBC_URL, USERNAME, PASSWORD, GRANTS);
}
