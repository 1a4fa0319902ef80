package dev.dynsecret.examples.postgres;

import dev.dynsecret.Lease;
import dev.dynsecret.SecretData;
import dev.dynsecret.spi.DynamicSecretProvider;
import dev.dynsecret.ProviderConfig;
import dev.dynsecret.testkit.ProviderContract;
import dev.dynsecret.testkit.ProviderTarget;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The PostgreSQL role provider passes the provider contract against a real PostgreSQL. */
class PostgresRoleProviderContractTest extends ProviderContract {
  private static TestDatabase database;

  @BeforeAll
  static void startDatabase() {
    database = TestDatabase.start();
  }

  @AfterAll
  static void stopDatabase() {
    database.close();
  }

  @Override
  protected DynamicSecretProvider provider() {
    return new PostgresRoleProvider();
  }

  @Override
  protected ProviderConfig config() {
    return database.config().build();
  }

  @Override
  protected ProviderTarget target() {
    return new Database();
  }

  @Override
  protected Set<String> requiredConfigKeys() {
    return Set.of(PostgresKeys.JDBC_URL, PostgresKeys.USERNAME, PostgresKeys.PASSWORD);
  }

  @Override
  protected Set<String> secretConfigKeys() {
    return Set.of(PostgresKeys.PASSWORD);
  }

  @Override
  protected ProviderConfig wrongCredentialsConfig() {
    return database.config().put(PostgresKeys.PASSWORD, "wrong-password-5d1f0a9e").build();
  }

  @Override
  protected String wrongCredentialsStep() {
    return "authentication";
  }

  @Override
  protected Map<String, String> malformedConfigValues() {
    return Map.of(
        PostgresKeys.JDBC_URL, "jdbc:mysql://localhost:3306/app",
        PostgresKeys.GRANTS, "orders_read; DROP TABLE orders");
  }

  @Override
  protected Set<String> publicSecretDataKeys() {
    // The role name is the lease's external id, and the URL is configuration.
    return Set.of(PostgresRoleProvider.USERNAME, PostgresRoleProvider.JDBC_URL);
  }

  /** The database seen as its superuser, and logins as a lease holder would make them. */
  private static final class Database implements ProviderTarget {
    @Override
    public boolean credentialExists(Lease lease) {
      return database.roleExists(RoleNames.forLease(lease.id()));
    }

    @Override
    public boolean accepts(SecretData secretData) {
      return TestDatabase.canLogIn(secretData.get(PostgresRoleProvider.JDBC_URL).reveal(),
          secretData.get(PostgresRoleProvider.USERNAME).reveal(),
          secretData.get(PostgresRoleProvider.PASSWORD).reveal());
    }

    @Override
    public Optional<Instant> enforcedExpiry(Lease lease) {
      // No VALID UNTIL means the role never expires: report that, not "no expiry concept".
      return Optional.of(database.validUntil(RoleNames.forLease(lease.id())).orElse(Instant.MAX));
    }

    @Override
    public boolean deleteOutOfBand(Lease lease) {
      database.execute("DROP ROLE " + RoleNames.quote(RoleNames.forLease(lease.id())));
      return true;
    }

    @Override
    public boolean induceFailure(Operation operation, Failure failure) {
      switch (failure) {
        // The server refuses the administrator's next logins: "too many connections" (53300).
        case TRANSIENT -> database.execute(
            "ALTER ROLE " + TestDatabase.ADMIN + " CONNECTION LIMIT 0");
        // The administrator loses the right to create, alter and drop roles (42501).
        case DEFINITIVE -> database.execute("ALTER ROLE " + TestDatabase.ADMIN + " NOCREATEROLE");
        default -> {
          return false; // a lost answer cannot be staged on a local socket
        }
      }
      return true;
    }

    @Override
    public void clearFailures() {
      database.execute("ALTER ROLE " + TestDatabase.ADMIN + " CONNECTION LIMIT -1 CREATEROLE");
    }
  }
}
