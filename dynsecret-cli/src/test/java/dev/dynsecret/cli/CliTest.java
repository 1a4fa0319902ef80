package dev.dynsecret.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dynsecret.Secret;
import dev.dynsecret.testkit.TestClock;
import dev.dynsecret.apic.simulator.ApicSimulator;
import dev.dynsecret.apic.simulator.Fault;
import dev.dynsecret.apic.simulator.RequestKind;
import dev.dynsecret.buildsupport.SecretsUsed;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line run in-process on an H2 file against the APIC simulator. */
class CliTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  ApicSimulator apic;
  Cli cli;
  TestClock clock = TestClock.at(Instant.parse("2030-01-01T00:00:00Z"));
  /** Every run but create's stdout: none may show a secret. */
  final List<String> shown = new ArrayList<>();
  /** Client secrets of the credentials created. */
  final List<String> created = new ArrayList<>();

  @BeforeEach
  void start() {
    apic = ApicSimulator.builder().start();
    SecretsUsed.record(apic.apiKey());
    SecretsUsed.record(apic.clientSecret());
    cli = new Cli(apic, dir);
    cli.clock = clock;
  }

  @AfterEach
  void stop() {
    apic.close();
    List<String> secrets = new ArrayList<>(created);
    secrets.add(apic.apiKey().reveal());
    secrets.add(apic.clientSecret().reveal());
    for (String text : shown) {
      for (String secret : secrets) {
        assertFalse(text.contains(secret), "a secret value was printed:\n" + text);
      }
    }
  }

  Cli.Result run(String... args) {
    Cli.Result result = cli.run(args);
    shown.add(result.out() + result.err());
    return result;
  }

  /** Creates a lease with --json and returns it; records its secret. */
  JsonNode create(String... extra) {
    List<String> args = new ArrayList<>(List.of("create", Cli.SECRET, "--json"));
    args.addAll(List.of(extra));
    Cli.Result result = cli.run(args.toArray(String[]::new));
    shown.add(result.err());
    assertEquals(0, result.exit(), result::toString);
    JsonNode node = parse(result.out());
    String secret = node.at("/secretData/CLIENT_SECRET").asText();
    SecretsUsed.record(secret);
    created.add(secret);
    return node;
  }

  static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + json, e);
    }
  }

  @Test
  void everyCommandHasHelpWithTheExitCodes() {
    List<String[]> commands = List.of(new String[] {"--help"}, new String[] {"secrets", "--help"},
        new String[] {"leases", "--help"}, new String[] {"create", "--help"},
        new String[] {"renew", "--help"}, new String[] {"revoke", "--help"},
        new String[] {"force-revoke", "--help"}, new String[] {"reconcile", "--help"},
        new String[] {"sweep", "--help"}, new String[] {"verify", "--help"},
        new String[] {"apic", "--help"}, new String[] {"apic", "orgs", "--help"},
        new String[] {"apic", "catalogs", "--help"}, new String[] {"apic", "apps", "--help"});
    for (String[] command : commands) {
      Cli.Result result = run(command);
      assertEquals(0, result.exit(), result::toString);
      assertTrue(result.out().contains("Usage: dynsecret"), result::toString);
      assertTrue(result.out().contains("3  not found"), result::toString);
    }
  }

  @Test
  void createPrintsTheCredentialOnceAndItWorks() {
    Cli.Result result = cli.run("create", Cli.SECRET);
    assertEquals(0, result.exit(), result::toString);
    String clientId = value(result.out(), "CLIENT_ID");
    String clientSecret = value(result.out(), "CLIENT_SECRET");
    SecretsUsed.record(clientSecret);
    created.add(clientSecret);
    assertTrue(apic.isValidAppCredential(clientId, Secret.of(clientSecret)));
    assertTrue(result.out().contains("in 1h"), result::toString);
    assertTrue(result.err().contains("shown above this once"), result::toString);
    assertFalse(result.err().contains("warning"), "no terminal, no warning: " + result);
    shown.add(result.err());

    // Nothing afterwards shows it again.
    Cli.Result leases = run("leases", "--json");
    assertEquals(1, parse(leases.out()).size(), leases::toString);
    assertTrue(leases.out().contains(clientId) || !leases.out().contains(clientSecret));
  }

  @Test
  void createWarnsWhenStdoutIsATerminal() {
    cli.terminal = true;
    Cli.Result result = cli.run("create", Cli.SECRET, "--json");
    created.add(parse(result.out()).at("/secretData/CLIENT_SECRET").asText());
    SecretsUsed.record(created.get(0));
    shown.add(result.err());
    assertEquals(0, result.exit(), result::toString);
    assertTrue(result.err().startsWith("warning: the credential is printed to your terminal"),
        result::toString);
  }

  @Test
  void secretsCountsLeasesByState() {
    create();
    create();
    String revoked = create().at("/lease/id").asText();
    assertEquals(0, run("revoke", revoked).exit());

    Cli.Result result = run("secrets");
    assertEquals(0, result.exit(), result::toString);
    String[] lines = result.out().split("\n");
    assertTrue(lines[0].startsWith("SECRET"), result::toString);
    assertTrue(lines[1].matches("orders-api\\s+ibm-api-connect\\s+1h\\s+8h\\s+none\\s+0\\s+2\\s+0\\s+1"),
        result::toString);

    JsonNode json = parse(run("secrets", "--json").out()).get(0);
    assertEquals(2, json.at("/leases/ACTIVE").asInt());
    assertEquals(1, json.at("/leases/REVOKED").asInt());
  }

  @Test
  void leasesFiltersBySecretStateAndExpiry() {
    String soon = create("--ttl", "5m").at("/lease/id").asText();
    String later = create("--ttl", "2h").at("/lease/id").asText();
    String gone = create().at("/lease/id").asText();
    run("revoke", gone);

    Cli.Result table = run("leases");
    assertEquals(0, table.exit(), table::toString);
    assertTrue(table.out().startsWith("ID"), table::toString);
    assertTrue(table.out().contains("EXPIRES") && table.out().contains("HARD LIMIT")
        && table.out().contains("ATTEMPTS") && table.out().contains("LAST ERROR"));
    assertTrue(table.out().contains(soon) && table.out().contains(later));
    assertFalse(table.out().contains(gone), "revoked leases only with --all: " + table);
    assertTrue(table.out().contains("in 5m"), table::toString);

    assertTrue(run("leases", "--all").out().contains(gone));
    Cli.Result revokedOnly = run("leases", "--state", "revoked");
    assertTrue(revokedOnly.out().contains(gone) && !revokedOnly.out().contains(soon));

    Cli.Result expiring = run("leases", "--expiring-within", "10m", "--json");
    JsonNode leases = parse(expiring.out());
    assertEquals(1, leases.size(), expiring::toString);
    assertEquals(soon, leases.get(0).get("id").asText());
    assertEquals("2030-01-01T00:05:00Z", leases.get(0).get("expiresAt").asText());

    clock.advance(Duration.ofMinutes(10));
    Cli.Result after = run("leases", "--secret", Cli.SECRET);
    assertTrue(after.out().contains("ACTIVE (expired)"), after::toString);
    assertTrue(after.out().contains("5m ago"), after::toString);
  }

  @Test
  void leasesOfAnUndefinedSecretIsNotFound() {
    Cli.Result result = run("leases", "--secret", "billing");
    assertEquals(3, result.exit(), result::toString);
    assertTrue(result.err().contains("no dynamic secret 'billing' is defined")
        && result.err().contains("orders-api"), result::toString);
  }

  @Test
  void renewMovesTheExpiryWithinTheHardLimit() {
    String id = create().at("/lease/id").asText();
    clock.advance(Duration.ofMinutes(30));
    Cli.Result renewed = run("renew", id, "--ttl", "2h", "--json");
    assertEquals(0, renewed.exit(), renewed::toString);
    assertEquals("2030-01-01T02:30:00Z", parse(renewed.out()).get("expiresAt").asText());

    Cli.Result tooLong = run("renew", id, "--ttl", "9h");
    assertEquals(2, tooLong.exit(), tooLong::toString);
    assertTrue(tooLong.err().contains("ttl"), tooLong::toString);

    Cli.Result unknown = run("renew", "no-such-lease");
    assertEquals(3, unknown.exit(), unknown::toString);
    assertTrue(unknown.err().contains("no-such-lease"), unknown::toString);

    run("revoke", id);
    Cli.Result revoked = run("renew", id);
    assertEquals(6, revoked.exit(), revoked::toString);
  }

  @Test
  void revokeDeletesTheCredential() {
    String a = create().at("/lease/id").asText();
    String b = create().at("/lease/id").asText();
    assertEquals(2, apic.liveCredentialCount());
    Cli.Result result = run("revoke", a, "nope", b);
    assertEquals(3, result.exit(), "the unknown id decides the exit code: " + result);
    assertTrue(result.out().contains("revoked " + a) && result.out().contains("revoked " + b),
        result::toString);
    assertTrue(result.err().contains("nope"), result::toString);
    assertEquals(0, apic.liveCredentialCount());

    Cli.Result again = run("revoke", a);
    assertEquals(0, again.exit(), "revoking twice is fine: " + again);
  }

  @Test
  void revokeAllOfASecret() {
    create();
    create();
    Cli.Result result = run("revoke", "--secret", Cli.SECRET, "--all");
    assertEquals(0, result.exit(), result::toString);
    assertEquals("revoked 2 leases of orders-api\n", result.out());
    assertEquals(0, apic.liveCredentialCount());

    Cli.Result usage = run("revoke", "--secret", Cli.SECRET);
    assertEquals(2, usage.exit(), usage::toString);
    assertTrue(usage.err().contains("give lease IDs, or --secret SECRET --all"), usage::toString);
  }

  @Test
  void aProviderThatRefusesTheDeleteFailsWithExitCode4AndTheLeaseShowsWhy() {
    String id = create().at("/lease/id").asText();
    apic.faults().failNext(1, Fault.status(403, Fault.BodyKind.JSON),
        RequestKind.DELETE_CREDENTIAL);
    Cli.Result result = run("revoke", id);
    assertEquals(4, result.exit(), result::toString);
    assertTrue(result.err().contains("403"), result::toString);

    Cli.Result leases = run("leases");
    assertTrue(leases.out().contains("REVOCATION_FAILED"), leases::toString);
    assertTrue(leases.out().contains("403"), "last error shown: " + leases);
    assertEquals(1, apic.liveCredentialCount());

    // The operator's way out: a fresh attempt succeeds once the provider is fine again.
    assertEquals(0, run("revoke", id).exit());
    assertEquals(0, apic.liveCredentialCount());
  }

  @Test
  void forceRevokeClosesTheLeaseAndSweepFindsTheCredentialLeftBehind() {
    String id = create().at("/lease/id").asText();
    apic.faults().failNext(1, Fault.status(403, Fault.BodyKind.JSON),
        RequestKind.DELETE_CREDENTIAL);
    Cli.Result forced = run("force-revoke", id);
    assertEquals(0, forced.exit(), forced::toString);
    assertTrue(forced.out().startsWith("force-revoked " + id), forced::toString);
    assertTrue(forced.err().startsWith("warning:"), forced::toString);
    assertEquals(1, apic.liveCredentialCount());

    Cli.Result dry = run("sweep", "--dry-run");
    assertEquals(0, dry.exit(), dry::toString);
    assertTrue(dry.err().contains("[1/1] sweeping orders-api (dry run)"), dry::toString);
    assertTrue(dry.out().contains("dynsecret-" + id), dry::toString);
    assertTrue(dry.out().contains("run with --apply"), dry::toString);
    assertEquals(1, apic.liveCredentialCount());

    Cli.Result applied = run("sweep", "--apply", "--json");
    assertEquals(0, applied.exit(), applied::toString);
    assertEquals(1, parse(applied.out()).get(0).get("deleted").asInt(), applied::toString);
    assertEquals(0, apic.liveCredentialCount());

    Cli.Result neither = run("sweep");
    assertEquals(2, neither.exit(), neither::toString);
    assertTrue(neither.err().contains("--dry-run") && neither.err().contains("--apply"));
  }

  @Test
  void aCreateWhoseAnswerIsLostIsRetriedAndLeavesOneCredential() {
    // The credential is made, but the answer never arrives: the provider retries within its
    // create deadline, replaces the credential it cannot read, and the caller gets a lease.
    apic.faults().failNext(1, Fault.dropConnection().afterProcessing(),
        RequestKind.CREATE_CREDENTIAL);
    Cli.Result created = run("create", Cli.SECRET);
    assertEquals(0, created.exit(), created::toString);
    assertTrue(created.out().contains("lease"), created::toString);
    assertEquals(1, apic.liveCredentialCount(), "one credential, not the lost one as well");
    assertTrue(run("leases", "--state", "active").out().contains("ACTIVE"));

    Cli.Result reconciled = run("reconcile", "--json");
    assertEquals(0, reconciled.exit(), reconciled::toString);
    assertEquals(0, parse(reconciled.out()).get("reconciled").asInt(), "nothing was left pending");
    assertEquals(1, apic.liveCredentialCount());
  }

  @Test
  void verifyNamesTheFailingStep() {
    Cli.Result ok = run("verify", Cli.SECRET);
    assertEquals(0, ok.exit(), ok::toString);
    assertEquals("orders-api: ok (the provider accepted the configuration)\n", ok.out());

    cli.env.put("APIC_API_KEY", SecretsUsed.declare("not-the-key-" + System.nanoTime()));
    Cli.Result bad = run("verify", Cli.SECRET);
    assertEquals(4, bad.exit(), bad::toString);
    assertTrue(bad.err().contains("step 'authentication'"), bad::toString);
    assertFalse(bad.err().contains(cli.env.get("APIC_API_KEY")));

    Cli.Result unknown = run("verify", "billing");
    assertEquals(3, unknown.exit(), unknown::toString);
  }

  @Test
  void apicDiscoveryListsOrgsCatalogsAndAppsWithTheirConsumerOrgs() {
    apic.addConsumerOrg("partner-co");
    apic.addApp("partner-co", "partner-app");
    String org = apic.seed().org().name();
    String catalog = apic.seed().catalog().name();

    Cli.Result orgs = run("apic", "orgs");
    assertEquals(0, orgs.exit(), orgs::toString);
    assertTrue(orgs.out().lines().anyMatch(l -> l.startsWith(org + " ")), orgs::toString);

    Cli.Result catalogs = run("apic", "catalogs", "--org", org, "--json");
    assertEquals(catalog, parse(catalogs.out()).get(0).get("name").asText(), catalogs::toString);

    Cli.Result apps = run("apic", "apps", "--org", org, "--catalog", catalog);
    assertEquals(0, apps.exit(), apps::toString);
    assertTrue(apps.out().lines().anyMatch(l -> l.matches("partner-app\\s+\\S+\\s+partner-co\\s+enabled")),
        apps::toString);
    assertTrue(apps.out().lines().anyMatch(l -> l.matches(apic.seed().app().name() + "\\s+\\S+\\s+"
        + apic.seed().consumerOrg().name() + "\\s+enabled")), apps::toString);

    Cli.Result unknown = run("apic", "catalogs", "--org", "no-such-org");
    assertEquals(3, unknown.exit(), unknown::toString);
    assertTrue(unknown.err().contains("organization 'no-such-org' was not found"), unknown::toString);

    apic.faults().failNext(1, Fault.status(403, Fault.BodyKind.HTML), RequestKind.OTHER);
    Cli.Result refused = run("apic", "orgs");
    assertEquals(4, refused.exit(), refused::toString);
  }

  @Test
  void theStoreUnavailableIsExitCode5AndABadStoreUrlIsUsage() {
    Cli.Result down = cli.runRaw("--store", "jdbc:postgresql://127.0.0.1:1/nothing", "secrets");
    shown.add(down.err());
    assertEquals(5, down.exit(), down::toString);
    assertTrue(down.err().contains("the lease store jdbc:postgresql://127.0.0.1:1/nothing is"
        + " unavailable"), down::toString);

    Cli.Result mysql = cli.runRaw("--store", "jdbc:mysql://db/x", "secrets");
    assertEquals(2, mysql.exit(), mysql::toString);
    assertTrue(mysql.err().contains("must start with jdbc:h2: or jdbc:postgresql:"));

    Cli.Result password = cli.runRaw("--store", "jdbc:postgresql://db/x?password=hunter2",
        "secrets");
    assertEquals(2, password.exit(), password::toString);
    assertFalse(password.err().contains("hunter2"), password::toString);
  }

  @Test
  void usageErrorsAreExitCode2AndNameTheOption() {
    Cli.Result ttl = run("leases", "--expiring-within", "soon");
    assertEquals(2, ttl.exit(), ttl::toString);
    assertTrue(ttl.err().contains("--expiring-within") && ttl.err().contains("10m"),
        ttl::toString);
    Cli.Result unknown = run("frobnicate");
    assertEquals(2, unknown.exit(), unknown::toString);
    Cli.Result state = run("leases", "--state", "dead");
    assertEquals(2, state.exit(), state::toString);
    assertTrue(state.err().contains("PENDING"), state::toString);
  }

  @Test
  void completionScriptCoversTheCommands() {
    Cli.Result result = run("completion");
    assertEquals(0, result.exit(), result::toString);
    assertTrue(result.out().contains("complete -F _complete_dynsecret"), result::toString);
    for (String command : List.of("leases", "force-revoke", "sweep", "apic")) {
      assertTrue(result.out().contains(command), command);
    }
  }

  @Test
  void verboseShowsCausesButNoSecret() {
    apic.faults().failNext(1, Fault.status(403, Fault.BodyKind.JSON), RequestKind.TOKEN);
    Cli.Result result = run("--verbose", "verify", Cli.SECRET);
    assertEquals(4, result.exit(), result::toString);
    assertTrue(result.err().contains("caused by"), result::toString);
  }

  @Nested
  class BadConfiguration {
    Cli.Result runWith(String yaml) {
      cli.writeConfig(yaml);
      Cli.Result result = run("secrets");
      assertEquals(2, result.exit(), result::toString);
      assertEquals("", result.out());
      return result;
    }

    @Test
    void anUnknownKeyIsNamedWithItsLine() {
      Cli.Result result = runWith(Cli.standardConfig(apic, "1h", "8h")
          .replace("    defaultTtl:", "    defaultTTL:"));
      assertTrue(result.err().startsWith("error: dynsecret.yaml line 5, secrets.orders-api."
          + "defaultTTL: is not a known key; did you mean 'defaultTtl'?"), result::toString);
    }

    @Test
    void aBadTtlIsNamedWithItsLine() {
      Cli.Result result = runWith(Cli.standardConfig(apic, "ten minutes", "8h"));
      assertTrue(result.err().startsWith("error: dynsecret.yaml line 5, secrets.orders-api."
          + "defaultTtl: must be a duration like 30s"), result::toString);
    }

    @Test
    void aDefaultTtlOverTheMaxIsNamed() {
      Cli.Result result = runWith(Cli.standardConfig(apic, "9h", "8h"));
      assertTrue(result.err().startsWith("error: dynsecret.yaml line 5, secrets.orders-api."
          + "defaultTtl: must not exceed maxTtl"), result::toString);
    }

    @Test
    void aKeyTheProviderRejectsIsNamedWithItsLine() {
      Cli.Result result = runWith(Cli.standardConfig(apic, "1h", "8h")
          .replace("      catalog:", "      catalogue:"));
      assertTrue(result.err().startsWith("error: dynsecret.yaml line 13, secrets.orders-api."
          + "config.catalogue: is not a configuration key of ibm-api-connect"), result::toString);
    }

    @Test
    void aSecretWrittenInlineIsRefusedWithoutEchoingIt() {
      String inline = SecretsUsed.declare("inline-key-" + System.nanoTime());
      Cli.Result result = runWith(Cli.standardConfig(apic, "1h", "8h")
          .replace("${env:APIC_API_KEY}", inline));
      assertTrue(result.err().startsWith("error: dynsecret.yaml line 9, secrets.orders-api."
          + "config.apiKey: is a secret: write a reference like ${env:NAME}"), result::toString);
      assertFalse(result.err().contains(inline));
    }

    @Test
    void aMissingEnvironmentVariableIsNamed() {
      cli.env.remove("APIC_CLIENT_SECRET");
      Cli.Result result = runWith(Cli.standardConfig(apic, "1h", "8h"));
      assertTrue(result.err().startsWith("error: dynsecret.yaml line 11, secrets.orders-api."
          + "config.clientSecret: refers to environment variable APIC_CLIENT_SECRET, which is not"
          + " set"), result::toString);
    }

    @Test
    void aSecretFromAFileIsRead() {
      cli.write("client-secret.txt", apic.clientSecret().reveal() + "\n");
      cli.writeConfig(Cli.standardConfig(apic, "1h", "8h")
          .replace("${env:APIC_CLIENT_SECRET}", "${file:client-secret.txt}"));
      Cli.Result result = run("verify", Cli.SECRET);
      assertEquals(0, result.exit(), result::toString);

      cli.writeConfig(Cli.standardConfig(apic, "1h", "8h")
          .replace("${env:APIC_CLIENT_SECRET}", "${file:missing.txt}"));
      Cli.Result missing = run("secrets");
      assertEquals(2, missing.exit(), missing::toString);
      assertTrue(missing.err().contains("line 11") && missing.err().contains("missing.txt"),
          missing::toString);
    }

    @Test
    void aYamlSyntaxErrorNamesItsLine() {
      Cli.Result result = runWith("secrets:\n  orders-api:\n    provider: [unclosed\n");
      assertTrue(result.err().matches("(?s)error: dynsecret.yaml line \\d+: not valid YAML.*"),
          result::toString);
    }

    @Test
    void aDuplicateKeyIsNamed() {
      Cli.Result result = runWith("secrets:\n  a:\n    provider: x\n    provider: y\n");
      assertTrue(result.err().startsWith("error: dynsecret.yaml line 4, secrets.a.provider:"
          + " appears twice"), result::toString);
    }

    @Test
    void aMissingFileSaysHowToPointAtOne() {
      Cli.Result result = run("--config", "elsewhere.yaml", "secrets");
      assertEquals(2, result.exit(), result::toString);
      assertTrue(result.err().contains("configuration file elsewhere.yaml does not exist"),
          result::toString);
    }

    @Test
    void anUnknownProviderTypeIsNamed() {
      Cli.Result result = runWith(Cli.standardConfig(apic, "1h", "8h")
          .replace("provider: ibm-api-connect", "provider: ibm-apic"));
      assertTrue(result.err().startsWith("error: dynsecret.yaml line 4, secrets.orders-api"
          + ".provider: no provider of type 'ibm-apic'"), result::toString);
    }
  }

  /** The value column of a {@code create} table row. */
  private static String value(String table, String field) {
    return table.lines().filter(l -> l.startsWith(field + " ")).findFirst()
        .map(l -> l.substring(field.length()).strip())
        .orElseThrow(() -> new AssertionError(field + " not in:\n" + table));
  }
}
