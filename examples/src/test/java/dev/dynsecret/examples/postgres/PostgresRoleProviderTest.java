package dev.dynsecret.examples.postgres;

import dev.dynsecret.spi.LeaseRecord;
import dev.dynsecret.spi.ProviderConnection;
import dev.dynsecret.spi.CredentialRef;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynsecret.CreatedLease;
import dev.dynsecret.DefinitiveProviderException;
import dev.dynsecret.DynamicSecret;
import dev.dynsecret.Lease;
import dev.dynsecret.LeaseManager;
import dev.dynsecret.LeaseState;
import dev.dynsecret.ProviderException;
import dev.dynsecret.SecretData;
import dev.dynsecret.TransientProviderException;
import dev.dynsecret.memory.MemoryLeaseStore;
import dev.dynsecret.spi.CreatedCredential;
import java.io.IOException;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the PostgreSQL role provider does beyond the general contract: the grants take effect,
 * revoking ends open sessions and keeps the objects a role made, verify names the missing
 * privilege or role, and a {@link LeaseManager} finds the provider through ServiceLoader.
 */
class PostgresRoleProviderTest {
  private static TestDatabase database;

  private final PostgresRoleProvider provider = new PostgresRoleProvider();
  private ProviderConnection roles;
  private Lease lease;

  @BeforeAll
  static void startDatabase() {
    database = TestDatabase.start();
  }

  @AfterAll
  static void stopDatabase() {
    database.close();
  }

  @AfterEach
  void dropLeaseRole() {
    database.execute("ALTER ROLE " + TestDatabase.ADMIN + " CREATEROLE");
    if (lease != null) {
      roles.revoke(CredentialRef.of(lease));
    }
  }

  private CreatedCredential createLease() {
    roles = provider.connect(database.config().build());
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    lease = LeaseRecord.builder()
        .id(UUID.randomUUID().toString())
        .secretName("orders-db")
        .state(LeaseState.PENDING)
        .createdAt(now)
        .expiresAt(now.plus(Duration.ofHours(1)))
        .hardLimitAt(now.plus(Duration.ofHours(8)))
        .build()
        .toLease();
    return roles.create(lease);
  }

  private static Connection logIn(SecretData data) throws SQLException {
    return TestDatabase.logIn(data.get(PostgresRoleProvider.JDBC_URL).reveal(),
        data.get(PostgresRoleProvider.USERNAME).reveal(),
        data.get(PostgresRoleProvider.PASSWORD).reveal());
  }

  @Test
  void listNamesTheRolesMadeForLeasesAndNoOthers() {
    CreatedCredential created = createLease();
    database.execute("CREATE ROLE dynsecret_not_a_lease");
    try {
      assertEquals(List.of(new dev.dynsecret.ListedCredential(
              lease.id(), created.externalId(), created.externalId())),
          roles.listing().orElseThrow().list());
    } finally {
      database.execute("DROP ROLE dynsecret_not_a_lease");
    }
  }

  @Test
  void theRoleMayDoWhatItsGrantsAllowAndNothingElse() throws SQLException {
    CreatedCredential created = createLease();

    try (Connection session = logIn(created.secretData());
        Statement statement = session.createStatement()) {
      try (ResultSet rows = statement.executeQuery("SELECT count(*) FROM orders")) {
        rows.next();
        assertEquals(2, rows.getInt(1));
      }
      SQLException denied = assertThrows(SQLException.class,
          () -> statement.executeQuery("SELECT * FROM payroll"));
      assertEquals("42501", denied.getSQLState(), denied.getMessage());
    }
  }

  @Test
  void revokeEndsTheRolesOpenSessions() throws SQLException {
    CreatedCredential created = createLease();
    String role = created.externalId();

    try (Connection session = logIn(created.secretData())) {
      assertEquals(1, database.sessionsOf(role));

      roles.revoke(CredentialRef.of(lease));

      assertEquals(0, database.sessionsOf(role), "a session of the revoked role is still open");
      assertThrows(SQLException.class, () -> {
        try (Statement statement = session.createStatement()) {
          statement.execute("SELECT 1");
        }
      }, "the open session still answers after revoke");
    }
    assertFalse(database.roleExists(role));
  }

  @Test
  void revokeHandsTheObjectsTheRoleCreatedToTheAdministrator() throws SQLException {
    CreatedCredential created = createLease();
    String table = "report_" + created.externalId().substring("dynsecret_".length(), 26);
    try (Connection session = logIn(created.secretData());
        Statement statement = session.createStatement()) {
      statement.execute("CREATE TABLE " + table + " (total int)");
    }

    roles.revoke(CredentialRef.of(lease));

    assertFalse(database.roleExists(created.externalId()));
    assertEquals(Optional.of(TestDatabase.ADMIN), database.ownerOf(table),
        "the table the lease's role made was dropped or has no owner");
  }

  @Test
  void verifyNamesAMissingCreateRolePrivilege() {
    ProviderConnection withoutPrivilege = provider.connect(database.config().build());
    database.execute("ALTER ROLE " + TestDatabase.ADMIN + " NOCREATEROLE");

    ProviderException e = assertThrows(ProviderException.class,
        () -> withoutPrivilege.verify());

    assertInstanceOf(DefinitiveProviderException.class, e);
    assertTrue(e.getMessage().contains("step 'privileges'") && e.getMessage().contains("CREATEROLE"),
        e.getMessage());
  }

  @Test
  void verifyNamesAGrantedRoleThatDoesNotExist() {
    ProviderConnection withUnknownGrant = provider.connect(
        database.config().put(PostgresKeys.GRANTS, "orders_read, no_such_role").build());

    ProviderException e = assertThrows(ProviderException.class,
        () -> withUnknownGrant.verify());

    assertInstanceOf(DefinitiveProviderException.class, e);
    assertTrue(e.getMessage().contains("step 'grants'") && e.getMessage().contains("no_such_role"),
        e.getMessage());
    assertFalse(database.roleExists("no_such_role"));
  }

  @Test
  void verifyReportsAnUnreachableServerAsTransient() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort(); // free once closed: nothing listens there
    }
    ProviderConnection unreachable = provider.connect(database.config()
        .put(PostgresKeys.JDBC_URL, "jdbc:postgresql://127.0.0.1:" + closedPort + "/postgres")
        .build());

    ProviderException e = assertThrows(ProviderException.class, () -> unreachable.verify());

    assertInstanceOf(TransientProviderException.class, e);
    assertTrue(e.getMessage().contains("step 'connection'"), e.getMessage());
  }

  @Test
  void aLeaseManagerDiscoversTheProviderAndRunsALeaseToTheEnd() throws SQLException {
    try (LeaseManager leases = LeaseManager.builder().store(new MemoryLeaseStore()).build()) {
      leases.register(DynamicSecret.builder("orders-db")
          .provider(PostgresRoleProvider.TYPE, database.config().build())
          .defaultTtl(Duration.ofMinutes(10))
          .maxTtl(Duration.ofHours(1))
          .build());
      leases.verify("orders-db");

      CreatedLease created = leases.create("orders-db");
      String role = created.lease().externalId();
      try (Connection session = logIn(created.secretData())) {
        assertTrue(session.isValid(5));
      }
      assertEquals(Optional.of(created.lease().expiresAt().truncatedTo(ChronoUnit.MICROS)),
          database.validUntil(role));

      Lease renewed = leases.renew(created.lease().id(), Duration.ofMinutes(30));
      assertEquals(Optional.of(renewed.expiresAt().truncatedTo(ChronoUnit.MICROS)),
          database.validUntil(role));

      Lease revoked = leases.revoke(created.lease().id());
      assertEquals(LeaseState.REVOKED, revoked.state());
      assertFalse(database.roleExists(role));
      assertThrows(SQLException.class, () -> logIn(created.secretData()).close());
    }
  }
}
