package dev.dynsecret.cli;

import dev.dynsecret.Lease;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "renew", mixinStandardHelpOptions = true, footer = ExitCodes.FOOTER,
    description = "Sets a lease's expiry to now + TTL, never past its hard limit.")
final class RenewCommand extends Subcommand {
  @Parameters(index = "0", paramLabel = "ID", description = "The lease.")
  String id;

  @Option(names = "--ttl", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "The new TTL (default: the secret's default TTL).")
  Duration ttl;

  @Option(names = "--json", description = "The renewed lease as JSON.")
  boolean json;

  @Override
  public Integer call() {
    try (Session session = root.open()) {
      Lease lease = session.manager().renew(id, ttl);
      if (json) {
        Json.print(out(), Json.lease(lease));
      } else {
        out().println("renewed " + summary(lease));
      }
      return ExitCodes.OK;
    }
  }
}
