package dev.dynsecret.examples.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynsecret.InvalidRequestException;
import dev.dynsecret.ProviderConfig;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Configuration checks and role naming: no server needed, since connect contacts none. */
class PostgresConfigTest {
  private static final String PASSWORD = "s3cret-admin-password";

  private final PostgresRoleProvider provider = new PostgresRoleProvider();

  private static ProviderConfig.Builder config() {
    return ProviderConfig.builder()
        .put(PostgresKeys.JDBC_URL, "jdbc:postgresql://db.example.com:5432/app")
        .put(PostgresKeys.USERNAME, "dynsecret_admin")
        .put(PostgresKeys.PASSWORD, PASSWORD);
  }

  private InvalidRequestException rejected(ProviderConfig config) {
    return assertThrows(InvalidRequestException.class, () -> provider.connect(config));
  }

  @Test
  void grantsAreParsedTrimmedAndDeduplicated() {
    PostgresAdmin admin = ((PostgresRoleProvider.Roles) provider.connect(
        config().put(PostgresKeys.GRANTS, " orders_read, Reports$2 ,orders_read").build())).admin();

    assertEquals(List.of("orders_read", "Reports$2"), admin.grants());
  }

  @Test
  void noGrantsMeansAnEmptyList() {
    assertEquals(List.of(),
        ((PostgresRoleProvider.Roles) provider.connect(config().build())).admin().grants());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "orders_read; DROP TABLE orders", "\"orders_read\"", "orders read", "1role", "orders_read,,x",
      "public", "CURRENT_USER", "x' OR '1'='1"})
  void grantsThatAreNotRoleNamesAreRejected(String grants) {
    InvalidRequestException e = rejected(config().put(PostgresKeys.GRANTS, grants).build());

    assertEquals(PostgresKeys.GRANTS, e.field());
  }

  @Test
  void aGrantLongerThanPostgresKeepsIsRejected() {
    String name = "r".repeat(RoleNames.MAX_BYTES + 1);

    assertEquals(PostgresKeys.GRANTS,
        rejected(config().put(PostgresKeys.GRANTS, name).build()).field());
  }

  @Test
  void aUrlCarryingCredentialsIsRejectedWithoutEchoingThem() {
    InvalidRequestException e = rejected(config().put(PostgresKeys.JDBC_URL,
        "jdbc:postgresql://db.example.com/app?user=admin&password=hunter2-from-url").build());

    assertEquals(PostgresKeys.JDBC_URL, e.field());
    assertFalse(e.getMessage().contains("hunter2-from-url"), e.getMessage());
  }

  @Test
  void anUnknownKeyIsRejectedByName() {
    InvalidRequestException e = rejected(config().put("grant", "orders_read").build());

    assertEquals("grant", e.field());
    assertTrue(e.getMessage().contains(PostgresKeys.GRANTS), e.getMessage());
  }

  @Test
  void theHandleNamesTheDatabaseButNotThePassword() {
    String text = provider.connect(config().build()).toString();

    assertTrue(text.contains("db.example.com") && text.contains("dynsecret_admin"), text);
    assertFalse(text.contains(PASSWORD), text);
  }

  @Test
  void aLeasesRoleIsNamedFromItsIdAndFitsPostgresIdentifiers() {
    String role = RoleNames.forLease("0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b");

    assertEquals("dynsecret_0190a1b2c3d47e5f8a9b0c1d2e3f4a5b", role);
    assertTrue(role.getBytes(StandardCharsets.UTF_8).length <= RoleNames.MAX_BYTES);
  }

  @Test
  void aLeaseIdThatCannotNameARoleIsRejected() {
    assertThrows(InvalidRequestException.class, () -> RoleNames.forLease("x\"; DROP ROLE admin"));
  }
}
