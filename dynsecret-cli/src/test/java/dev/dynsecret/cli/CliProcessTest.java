package dev.dynsecret.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dynsecret.apic.simulator.ApicSimulator;
import dev.dynsecret.apic.simulator.Fault;
import dev.dynsecret.apic.simulator.RequestKind;
import dev.dynsecret.buildsupport.SecretsUsed;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dynsecret} as a real process, on an H2 file, against the APIC simulator: the
 * configuration file found by its default name in the working directory, the store named by
 * {@code DYNSECRET_STORE_URL}, secrets from the environment, exit codes as the shell sees them.
 */
class CliProcessTest {
  @TempDir
  Path dir;

  ApicSimulator apic;
  final Map<String, String> env = new HashMap<>();

  @BeforeEach
  void start() {
    apic = ApicSimulator.builder().start();
    SecretsUsed.record(apic.apiKey());
    SecretsUsed.record(apic.clientSecret());
    Cli cli = new Cli(apic, dir);
    env.putAll(cli.env);
    env.put("DYNSECRET_STORE_URL", cli.storeUrl());
  }

  @AfterEach
  void stop() {
    apic.close();
  }

  void assertNoSecret(Cli.Result result) {
    for (String secret : List.of(apic.apiKey().reveal(), apic.clientSecret().reveal())) {
      assertFalse(result.out().contains(secret) || result.err().contains(secret),
          "a secret was printed: " + result);
    }
  }

  @Test
  void createListRevokeAsAProcess() {
    Cli.Result created = CliProcess.run(dir, env, "create", Cli.SECRET, "--ttl", "10m", "--json");
    assertEquals(0, created.exit(), created::toString);
    JsonNode json = CliTest.parse(created.out());
    String clientSecret = json.at("/secretData/CLIENT_SECRET").asText();
    SecretsUsed.record(clientSecret);
    String id = json.at("/lease/id").asText();
    assertEquals(1, apic.liveCredentialCount());
    assertFalse(created.err().contains(clientSecret), created::toString);

    Cli.Result leases = CliProcess.run(dir, env, "leases", "--expiring-within", "15m");
    assertEquals(0, leases.exit(), leases::toString);
    assertTrue(leases.out().contains(id) && leases.out().contains("ACTIVE"), leases::toString);
    assertFalse(leases.out().contains(clientSecret), leases::toString);
    assertNoSecret(leases);

    Cli.Result revoked = CliProcess.run(dir, env, "--verbose", "revoke", id);
    assertEquals(0, revoked.exit(), revoked::toString);
    assertTrue(revoked.out().startsWith("revoked " + id), revoked::toString);
    assertFalse(revoked.out().contains(clientSecret) || revoked.err().contains(clientSecret));
    assertNoSecret(revoked);
    assertEquals(0, apic.liveCredentialCount());
  }

  @Test
  void exitCodesAsTheShellSeesThem() {
    Cli.Result unknown = CliProcess.run(dir, env, "revoke", "no-such-lease");
    assertEquals(3, unknown.exit(), unknown::toString);
    assertTrue(unknown.err().contains("no-such-lease"), unknown::toString);

    apic.faults().failNext(1, Fault.status(401, Fault.BodyKind.JSON), RequestKind.TOKEN);
    Cli.Result provider = CliProcess.run(dir, env, "create", Cli.SECRET);
    assertEquals(4, provider.exit(), provider::toString);
    assertEquals("", provider.out());
    assertTrue(provider.err().contains("rejected the API key"), provider::toString);
    assertNoSecret(provider);

    Map<String, String> noKey = new HashMap<>(env);
    noKey.remove("APIC_API_KEY");
    Cli.Result config = CliProcess.run(dir, noKey, "secrets");
    assertEquals(2, config.exit(), config::toString);
    assertTrue(config.err().startsWith("error: dynsecret.yaml line 9, secrets.orders-api.config"
        + ".apiKey: refers to environment variable APIC_API_KEY"), config::toString);

    Map<String, String> noStore = new HashMap<>(env);
    noStore.put("DYNSECRET_STORE_URL", "jdbc:postgresql://127.0.0.1:1/none");
    Cli.Result store = CliProcess.run(dir, noStore, "leases");
    assertEquals(5, store.exit(), store::toString);

    Cli.Result usage = CliProcess.run(dir, env, "create");
    assertEquals(2, usage.exit(), usage::toString);
    assertTrue(usage.err().contains("Missing required parameter: 'SECRET'"), usage::toString);
  }
}
