package dev.dynsecret.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynsecret.InvalidRequestException;
import dev.dynsecret.jdbc.JdbcLeaseStore;
import dev.dynsecret.jdbc.SqlDialect;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A generated corpus of bad JDBC table prefixes (the prefix is written into SQL text). Each is
 * refused with an {@link InvalidRequestException} naming {@code tablePrefix} before any SQL runs:
 * the database keeps exactly its tables, and the leases of the store already in it are unchanged.
 */
class JdbcTablePrefixCorpusTest {
  private static JdbcDataSource h2;
  private static Connection keepAlive;
  private static Fixture fixture;

  @BeforeAll
  static void storeWithLeases() throws SQLException {
    h2 = new JdbcDataSource();
    h2.setURL("jdbc:h2:mem:prefixes-" + UUID.randomUUID());
    keepAlive = h2.getConnection();
    // The fixture drives a TestClock: decide by it, not by the database's clock.
    fixture = new Fixture(JdbcLeaseStore.builder(h2).createSchema(true)
        .useDatabaseClock(false).build());
  }

  @AfterAll
  static void close() throws SQLException {
    fixture.close();
    keepAlive.close();
  }

  static Stream<String> prefixes() {
    List<String> bad = new ArrayList<>(List.of("", " ", "1abc", "_leases", "Dynsecret_",
        "DYNSECRET_", "dyn-secret_", "dyn secret", "dyn.secret_", "dynsecret_;", "a;drop table"
            + " dynsecret_leases;--", "a\"", "a'", "a`", "a/*", "a--", "a(", "a\n", "\na", "a\u0000",
        "a\t", "ä", "dynsécret_", "ｄyn", "a\u200b", "a" + "b".repeat(31), "a".repeat(100_000),
        "${prefix}", "dynsecret_leases where 1=1 or x"));
    for (char c = 0x21; c < 0x7f; c++) {
      if (!Character.isLetterOrDigit(c) && c != '_') {
        bad.add("dyn" + c);
      }
    }
    return bad.stream();
  }

  @ParameterizedTest(name = "[{index}] prefix {0}")
  @MethodSource("prefixes")
  void refusedBeforeAnySqlRunsAndNothingStoredChanges(String prefix) throws SQLException {
    List<String> tables = tables();
    InvalidRequestException e = fixture.rejectsWithoutChange(InvalidRequestException.class,
        () -> JdbcLeaseStore.builder(h2).tablePrefix(prefix).createSchema(true).build());

    assertEquals("tablePrefix", e.field(), e::getMessage);
    assertTrue(e.getMessage().contains("must match"), e::getMessage);
    assertEquals(tables, tables(), "a refused prefix created or dropped tables");
    InvalidRequestException script = assertThrows(InvalidRequestException.class,
        () -> JdbcLeaseStore.schemaSql(SqlDialect.H2, prefix));
    assertEquals("tablePrefix", script.field());
  }

  @Test
  void aNullPrefixIsRefusedToo() {
    InvalidRequestException e = assertThrows(InvalidRequestException.class,
        () -> JdbcLeaseStore.builder(h2).tablePrefix(null).build());
    assertEquals("tablePrefix", e.field());
  }

  private static List<String> tables() throws SQLException {
    List<String> names = new ArrayList<>();
    try (ResultSet rs = keepAlive.getMetaData().getTables(null, null, "%", new String[] {"TABLE"})) {
      while (rs.next()) {
        names.add(rs.getString("TABLE_SCHEM") + "." + rs.getString("TABLE_NAME"));
      }
    }
    names.sort(null);
    return names;
  }
}
