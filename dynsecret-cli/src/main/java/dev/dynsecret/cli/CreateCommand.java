package dev.dynsecret.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dynsecret.CreatedLease;
import dev.dynsecret.Lease;
import dev.dynsecret.Secret;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "create", mixinStandardHelpOptions = true, footer = ExitCodes.FOOTER,
    description = {"Creates a lease and prints its credential, this once.",
        "The credential is not stored anywhere. Prefer --json piped into the program that needs"
            + " it over printing it to a terminal (a warning says so on stderr then)."})
final class CreateCommand extends Subcommand {
  @Parameters(index = "0", paramLabel = "SECRET", description = "The dynamic secret.")
  String secret;

  @Option(names = "--ttl", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "How long the lease lives, at most the secret's max TTL (default: its"
          + " default TTL).")
  Duration ttl;

  @Option(names = "--json", description = "The lease and the credential as one JSON document.")
  boolean json;

  @Override
  public Integer call() {
    try (Session session = root.open()) {
      session.config().secret(secret);
      if (root.environment.stdoutIsTerminal()) {
        err().println("warning: the credential is printed to your terminal and may stay in its"
            + " scrollback; pipe the output instead (e.g. dynsecret create " + secret
            + " --json | your-program).");
        err().flush();
      }
      CreatedLease created = session.manager().create(secret, ttl);
      Lease lease = created.lease();
      Map<String, Secret> data = created.secretData().asMap();
      if (json) {
        ObjectNode node = Json.object();
        node.set("lease", Json.lease(lease));
        ObjectNode values = node.putObject("secretData");
        data.forEach((key, value) -> values.put(key, value.reveal()));
        Json.print(out(), node);
      } else {
        Table table = new Table("FIELD", "VALUE");
        table.row("lease", lease.id());
        table.row("secret", lease.secretName());
        table.row("expires", time(lease.expiresAt()) + " (" + expiresIn(lease) + ")");
        table.row("hard limit", time(lease.hardLimitAt()) + " (" + hardLimit(lease) + ")");
        data.forEach((key, value) -> table.row(key, value.reveal()));
        table.print(out());
      }
      err().println("Created lease " + lease.id() + "; its credential is shown above this once."
          + " Revoke it with: dynsecret revoke " + lease.id());
      return ExitCodes.OK;
    }
  }
}
