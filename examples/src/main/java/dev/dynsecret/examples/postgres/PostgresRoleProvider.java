package dev.dynsecret.examples.postgres;

import com.google.auto.service.AutoService;
import dev.dynsecret.DefinitiveProviderException;
import dev.dynsecret.InvalidRequestException;
import dev.dynsecret.Lease;
import dev.dynsecret.ProviderException;
import dev.dynsecret.Secret;
import dev.dynsecret.SecretData;
import dev.dynsecret.TransientProviderException;
import dev.dynsecret.spi.CreatedCredential;
import dev.dynsecret.ListedCredential;
import dev.dynsecret.spi.CredentialListing;
import dev.dynsecret.spi.CredentialLookup;
import dev.dynsecret.spi.CredentialRef;
import dev.dynsecret.spi.DynamicSecretProvider;
import dev.dynsecret.spi.ExpiryRenewal;
import dev.dynsecret.spi.ProviderConnection;
import dev.dynsecret.ProviderConfig;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ArrayList;
import java.util.Optional;
import java.util.Properties;
import org.postgresql.util.PasswordUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dynamic secrets on PostgreSQL: each lease is a login role of its own, with a random password,
 * made a member of the roles the dynamic secret {@linkplain PostgresKeys#GRANTS grants}, and
 * valid until the lease expires. Revoking the lease ends the role's sessions and drops it.
 *
 * <p>Its type is {@value #TYPE}; the configuration keys are in {@link PostgresKeys}. The secret
 * data holds {@value #USERNAME}, {@value #PASSWORD} and {@value #JDBC_URL}; the lease's external
 * id and its metadata entry {@value #ROLE_NAME} are the role's name, {@code dynsecret_} and the
 * lease id without dashes.
 *
 * <pre>{@code
 * leases.register(DynamicSecret.builder("reporting-db")
 *     .provider(PostgresRoleProvider.TYPE, ProviderConfig.builder()
 *         .put(PostgresKeys.JDBC_URL, "jdbc:postgresql://db.example.com/app")
 *         .put(PostgresKeys.USERNAME, "dynsecret_admin")
 *         .put(PostgresKeys.PASSWORD, System.getenv("PG_ADMIN_PASSWORD"))
 *         .put(PostgresKeys.GRANTS, "reporting_read")
 *         .build())
 *     .defaultTtl(Duration.ofHours(1))
 *     .maxTtl(Duration.ofHours(8))
 *     .build());
 * }</pre>
 *
 * <p>Only role names checked as plain identifiers reach SQL, always double-quoted; values go as
 * bind parameters where PostgreSQL allows them. The generated password is sent as a SCRAM-SHA-256
 * verifier computed here, so the plain password never reaches the server, whose log may record
 * a failed statement's text. {@code VALID UNTIL} limits password logins only; revoking is what
 * ends sessions that are already open.
 *
 * <p>Registered for {@link java.util.ServiceLoader}; it has no settings beyond the configuration,
 * so the discovered instance is as good as one registered explicitly.
 */
@AutoService(DynamicSecretProvider.class)
public final class PostgresRoleProvider implements DynamicSecretProvider {
  /** The provider type dynamic secrets name to use this provider. */
  public static final String TYPE = "postgresql";
  /** Key of the role name in a lease's secret data. */
  public static final String USERNAME = "USERNAME";
  /** Key of the role's password in a lease's secret data. */
  public static final String PASSWORD = "PASSWORD";
  /** Key of the database URL in a lease's secret data (the configured {@code jdbcUrl}). */
  public static final String JDBC_URL = "JDBC_URL";
  /** Key of the role name in a lease's metadata. */
  public static final String ROLE_NAME = "roleName";

  private static final Logger log = LoggerFactory.getLogger(PostgresRoleProvider.class);
  /** 32 random bytes: 256 bits, written as 43 URL-safe characters. */
  private static final int PASSWORD_BYTES = 32;
  /** How long revoke waits for each of the role's sessions to end. */
  private static final int TERMINATE_WAIT_MILLIS = 5_000;

  private final SecureRandom random = new SecureRandom();

  /** A provider; it keeps no state of its own, so one instance serves every dynamic secret. */
  public PostgresRoleProvider() {}

  @Override
  public String type() {
    return TYPE;
  }

  /**
   * Checks the configuration key by key; contacts no server.
   *
   * @throws InvalidRequestException naming the first missing, malformed or unknown key
   */
  @Override
  public ProviderConnection connect(ProviderConfig config) {
    return new Roles(admin(config));
  }

  /**
   * One dynamic secret's roles: every call goes through the administering role of its
   * configuration. PostgreSQL can look roles up by name, list them and move their expiry, so all
   * three optional abilities are declared.
   */
  final class Roles implements ProviderConnection {
    private final PostgresAdmin admin;

    private Roles(PostgresAdmin admin) {
      this.admin = admin;
    }

    /** The administering role's settings, for tests. */
    PostgresAdmin admin() {
      return admin;
    }

    @Override
    public CreatedCredential create(Lease lease) {
      return PostgresRoleProvider.this.create(admin, lease);
    }

    @Override
    public void revoke(CredentialRef credential) {
      PostgresRoleProvider.this.revoke(admin, credential.leaseId());
    }

    @Override
    public void verify() {
      PostgresRoleProvider.this.verify(admin);
    }

    @Override
    public Optional<CredentialLookup> lookup() {
      return Optional.of(credential -> find(admin, credential.leaseId()));
    }

    @Override
    public Optional<CredentialListing> listing() {
      return Optional.of(() -> list(admin));
    }

    @Override
    public Optional<ExpiryRenewal> renewal() {
      return Optional.of((lease, newExpiry) -> renew(admin, lease.id(), newExpiry));
    }

    @Override
    public String toString() {
      return "PostgresRoleProvider.Roles[" + admin + "]";
    }
  }

  private static PostgresAdmin admin(ProviderConfig config) {
    Objects.requireNonNull(config, "config");
    for (String key : config.keys()) {
      if (!PostgresKeys.ALL.contains(key)) {
        throw new InvalidRequestException(key,
            "is not a configuration key of " + TYPE + "; the keys are " + PostgresKeys.ALL);
      }
    }
    String jdbcUrl = jdbcUrl(config.require(PostgresKeys.JDBC_URL));
    String username = config.require(PostgresKeys.USERNAME);
    Secret password = config.requireSecret(PostgresKeys.PASSWORD);
    List<String> grants = RoleNames.parseGrants(config.get(PostgresKeys.GRANTS).orElse(null));
    return new PostgresAdmin(jdbcUrl, username, password, grants);
  }

  private static String jdbcUrl(String url) {
    String rule = "must be a PostgreSQL JDBC URL such as jdbc:postgresql://db.example.com:5432/app";
    if (!url.startsWith("jdbc:postgresql:")) {
      throw new InvalidRequestException(PostgresKeys.JDBC_URL, rule);
    }
    Properties parsed = org.postgresql.Driver.parseURL(url, null);
    if (parsed == null) {
      // Not echoed: a malformed URL might hold a pasted password.
      throw new InvalidRequestException(PostgresKeys.JDBC_URL, rule + "; the value does not parse");
    }
    for (String credential : List.of("user", "password", "sslpassword")) {
      if (parsed.getProperty(credential) != null) {
        throw new InvalidRequestException(PostgresKeys.JDBC_URL, "must not carry '" + credential
            + "': it is handed to lease holders; put the administrator's credentials in the '"
            + PostgresKeys.USERNAME + "' and '" + PostgresKeys.PASSWORD + "' keys");
      }
    }
    return url;
  }

  /**
   * Creates the lease's login role with a new random password, valid until the lease expires,
   * and grants it the configured roles, all in one transaction. A role of that name left by an
   * earlier attempt whose answer was lost is dropped first, so the caller gets a password that
   * works.
   */
  private CreatedCredential create(PostgresAdmin admin, Lease lease) {
    String role = RoleNames.forLease(lease.id());
    Secret password = newPassword();
    String what = "creating role " + role + " for lease " + lease.id();
    try (Connection connection = admin.open()) {
      if (roleExists(connection, role)) {
        log.info("Role {} exists already, left by an earlier attempt for lease {} whose answer"
            + " was lost; replacing it", role, lease.id());
        dropRole(connection, role);
      }
      connection.setAutoCommit(false);
      try (Statement statement = connection.createStatement()) {
        statement.execute("CREATE ROLE " + RoleNames.quote(role)
            + " WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION INHERIT"
            + " PASSWORD " + literal(PasswordUtil.encodeScramSha256(password.reveal().toCharArray()))
            + " VALID UNTIL " + literal(timestamp(lease.expiresAt())));
        grantAll(statement, role, admin.grants());
        connection.commit();
      } catch (SQLException e) {
        rollback(connection, e); // role creation is transactional: nothing is left behind
        throw e;
      }
    } catch (SQLException e) {
      throw SqlFailures.classify(what, e);
    }
    log.info("Created role {} for lease {} (valid until {}, member of {})", role, lease.id(),
        lease.expiresAt(), admin.grants());
    Map<String, Secret> data = new LinkedHashMap<>();
    data.put(USERNAME, Secret.of(role));
    data.put(PASSWORD, password);
    data.put(JDBC_URL, Secret.of(admin.jdbcUrl()));
    return new CreatedCredential(role, SecretData.of(data), Map.of(ROLE_NAME, role));
  }

  /**
   * The grants of a new role. It is also granted to the administering role itself: PostgreSQL
   * lets a non-superuser end a role's sessions and reassign its objects only as its member.
   */
  private static void grantAll(Statement statement, String role, List<String> grants)
      throws SQLException {
    statement.execute("GRANT " + RoleNames.quote(role) + " TO CURRENT_USER");
    if (!grants.isEmpty()) {
      statement.execute("GRANT " + RoleNames.quoteAll(grants) + " TO " + RoleNames.quote(role));
    }
  }

  /**
   * Ends the role's sessions and drops it; its objects in this database pass to the
   * administering role. A role that is already gone counts as dropped. The role is always the
   * one named after the lease id: nothing read back from the lease store reaches SQL. Logins are
   * switched off first and stay off should a later step fail; a retry finishes the job.
   */
  private void revoke(PostgresAdmin admin, String leaseId) {
    String role = RoleNames.forLease(leaseId);
    boolean existed;
    try (Connection connection = admin.open()) {
      existed = dropRole(connection, role);
    } catch (SQLException e) {
      throw SqlFailures.classify("dropping role " + role + " of lease " + leaseId, e);
    }
    if (existed) {
      log.info("Dropped role {} of lease {}", role, leaseId);
    } else {
      log.info("Role {} of lease {} was already gone", role, leaseId);
    }
  }

  /** @return false if the role did not exist */
  private boolean dropRole(Connection connection, String role) throws SQLException {
    connection.setAutoCommit(true);
    String quoted = RoleNames.quote(role);
    try (Statement statement = connection.createStatement()) {
      if (!roleExists(connection, role)) {
        return false;
      }
      // Committed first, so no new session can start while the old ones are ended.
      statement.execute("ALTER ROLE " + quoted + " NOLOGIN");
      int ended = terminateSessions(connection, role);
      if (ended > 0) {
        log.info("Ended {} session(s) of role {}", ended, role);
      }
      connection.setAutoCommit(false);
      statement.execute("REASSIGN OWNED BY " + quoted + " TO CURRENT_USER");
      statement.execute("DROP OWNED BY " + quoted); // its privileges on others' objects
      statement.execute("DROP ROLE IF EXISTS " + quoted);
      connection.commit();
      return true;
    } catch (SQLException e) {
      if (!connection.getAutoCommit()) {
        rollback(connection, e);
      }
      if (SqlFailures.isUndefinedObject(e)) {
        return false; // dropped meanwhile by a concurrent revoke
      }
      throw e;
    }
  }

  /** Rolls back; a failure to do so (the connection broke) is kept with the first failure. */
  private static void rollback(Connection connection, SQLException failure) {
    try {
      connection.rollback();
    } catch (SQLException e) {
      failure.addSuppressed(e);
    }
  }

  private static int terminateSessions(Connection connection, String role) throws SQLException {
    // Since PostgreSQL 14 pg_terminate_backend can wait until the session is really gone.
    boolean canWait = connection.getMetaData().getDatabaseMajorVersion() >= 14;
    String sql = "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid"
        + (canWait ? ", " + TERMINATE_WAIT_MILLIS : "") + ")) FROM pg_stat_activity"
        + " WHERE usename = ? AND pid <> pg_backend_pid()";
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setString(1, role);
      try (ResultSet rows = statement.executeQuery()) {
        rows.next();
        return rows.getInt(1);
      }
    }
  }

  /** Moves the role's {@code VALID UNTIL} to the new expiry. */
  private void renew(PostgresAdmin admin, String leaseId, Instant newExpiry) {
    String role = RoleNames.forLease(leaseId);
    String what = "moving VALID UNTIL of role " + role + " of lease " + leaseId;
    try (Connection connection = admin.open(); Statement statement = connection.createStatement()) {
      statement.execute("ALTER ROLE " + RoleNames.quote(role) + " VALID UNTIL "
          + literal(timestamp(newExpiry)));
    } catch (SQLException e) {
      if (SqlFailures.isUndefinedObject(e)) {
        throw new DefinitiveProviderException(what + " failed: the role no longer exists", e);
      }
      throw SqlFailures.classify(what, e);
    }
    log.debug("Role {} of lease {} is valid until {}", role, leaseId, newExpiry);
  }

  /** Looks for the role named after the lease in {@code pg_roles}. */
  private Optional<String> find(PostgresAdmin admin, String leaseId) {
    String role = RoleNames.forLease(leaseId);
    try (Connection connection = admin.open()) {
      return roleExists(connection, role) ? Optional.of(role) : Optional.empty();
    } catch (SQLException e) {
      throw SqlFailures.classify("looking up role " + role + " of lease " + leaseId, e);
    }
  }

  /**
   * Lists the roles this provider made ({@code dynsecret_} and 32 hex digits), for the engine's
   * orphan sweep. Roles named otherwise are never listed, so the sweep cannot touch them.
   */
  private List<ListedCredential> list(PostgresAdmin admin) {
    List<ListedCredential> roles = new ArrayList<>();
    try (Connection connection = admin.open();
        PreparedStatement statement = connection.prepareStatement(
            "SELECT rolname FROM pg_roles WHERE rolname LIKE 'dynsecret\\_%' ORDER BY rolname");
        ResultSet rows = statement.executeQuery()) {
      while (rows.next()) {
        String role = rows.getString(1);
        RoleNames.leaseIdOf(role).ifPresent(id -> roles.add(new ListedCredential(id, role, role)));
      }
      return roles;
    } catch (SQLException e) {
      throw SqlFailures.classify("listing the roles made for leases", e);
    }
  }

  /**
   * Checks, in order: that the administering role can log in ({@code authentication}; {@code
   * connection} when the server cannot be reached), that it has {@code CREATEROLE} ({@code
   * privileges}), and, in a transaction rolled back at the end, that it can create a role and
   * grant it the configured roles ({@code create role}, {@code grants}). The exception names the
   * step that failed.
   */
  private void verify(PostgresAdmin admin) {
    Connection connection;
    try {
      connection = admin.open();
    } catch (SQLException e) {
      String step = SqlFailures.isAuthenticationFailure(e) ? "authentication" : "connection";
      throw failedStep(step, "could not log in to " + admin.jdbcUrl() + " as '"
          + admin.username() + "'", e);
    }
    try (connection) {
      checkPrivileges(connection, admin);
      rehearseCreate(connection, admin);
    } catch (SQLException e) {
      // Only starting or rolling back the rehearsal's transaction gets here.
      throw failedStep("create role", "rolling back a rehearsed role creation", e);
    }
    log.info("Verified PostgreSQL access to {} as '{}' (grants {})", admin.jdbcUrl(),
        admin.username(), admin.grants());
  }

  private static void checkPrivileges(Connection connection, PostgresAdmin admin) {
    String sql = "SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user";
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      if (!rows.next() || !rows.getBoolean(1)) {
        throw new DefinitiveProviderException("PostgreSQL verification failed at step"
            + " 'privileges': role '" + admin.username() + "' lacks CREATEROLE, which creating"
            + " and dropping lease roles needs (ALTER ROLE ... CREATEROLE)");
      }
    } catch (SQLException e) {
      throw failedStep("privileges", "reading the attributes of role '" + admin.username() + "'", e);
    }
  }

  /** Does what create does, without a password, and rolls it back. */
  private void rehearseCreate(Connection connection, PostgresAdmin admin) throws SQLException {
    String probe = "dynsecret_verify_" + HexFormat.of().formatHex(randomBytes(8));
    connection.setAutoCommit(false);
    try (Statement statement = connection.createStatement()) {
      String step = "create role";
      try {
        statement.execute("CREATE ROLE " + RoleNames.quote(probe) + " NOLOGIN");
        statement.execute("GRANT " + RoleNames.quote(probe) + " TO CURRENT_USER");
        step = "grants";
        if (!admin.grants().isEmpty()) {
          statement.execute("GRANT " + RoleNames.quoteAll(admin.grants()) + " TO "
              + RoleNames.quote(probe));
        }
      } catch (SQLException e) {
        throw failedStep(step, step.equals("grants")
            ? "granting " + admin.grants() + " to a new role" : "creating a role", e);
      }
    } finally {
      connection.rollback();
    }
  }

  private static ProviderException failedStep(String step, String what, SQLException e) {
    ProviderException classified = SqlFailures.classify(what, e);
    String message = "PostgreSQL verification failed at step '" + step + "': "
        + classified.getMessage();
    return classified.isTransient()
        ? new TransientProviderException(message, e)
        : new DefinitiveProviderException(message, e);
  }

  private static boolean roleExists(Connection connection, String role) throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement("SELECT 1 FROM pg_roles WHERE rolname = ?")) {
      statement.setString(1, role);
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next();
      }
    }
  }

  private Secret newPassword() {
    return Secret.of(Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(PASSWORD_BYTES)));
  }

  private byte[] randomBytes(int count) {
    byte[] bytes = new byte[count];
    random.nextBytes(bytes);
    return bytes;
  }

  /** A timestamp literal PostgreSQL reads exactly: ISO-8601 in UTC, to the microsecond. */
  private static String timestamp(Instant instant) {
    return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.MICROS));
  }

  /**
   * A string literal for a value this class produced itself (a timestamp, a SCRAM verifier):
   * utility statements such as {@code CREATE ROLE} take no bind parameters.
   */
  private static String literal(String value) {
    return "'" + value.replace("'", "''") + "'";
  }

  @Override
  public String toString() {
    return "PostgresRoleProvider[type=" + TYPE + "]";
  }
}
