package dev.dynsecret.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.sql.DriverManager;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/**
 * The URL forms {@link PersistentLeases} documents find a driver on this module's class path (the
 * drivers are run-time dependencies: nothing in the example's code names MariaDB's classes).
 */
class PersistentLeasesDriversTest {
  @Test
  void theDocumentedUrlsFindTheirDrivers() throws SQLException {
    assertEquals("org.mariadb.jdbc.Driver",
        DriverManager.getDriver("jdbc:mariadb://localhost:3306/app").getClass().getName());
    assertEquals("org.mariadb.jdbc.Driver",
        DriverManager.getDriver("jdbc:mysql://localhost:3306/app?permitMysqlScheme").getClass().getName());
    assertEquals("org.postgresql.Driver",
        DriverManager.getDriver("jdbc:postgresql://localhost:5432/app").getClass().getName());
  }

  @Test
  void aMysqlUrlWithoutPermitMysqlSchemeFindsNoDriverWhichIsWhyTheDocsAddIt() {
    assertThrows(SQLException.class, () -> DriverManager.getDriver("jdbc:mysql://localhost:3306/app"));
  }
}
