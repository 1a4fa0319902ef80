package dev.dynsecret.cli;

import dev.dynsecret.DynamicSecretException;
import dev.dynsecret.Lease;
import dev.dynsecret.LeaseState;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

@Command(name = "revoke", mixinStandardHelpOptions = true, footer = ExitCodes.FOOTER,
    description = {"Revokes leases: deletes their credentials and marks them revoked.",
        "  dynsecret revoke ID...              these leases",
        "  dynsecret revoke --secret S --all   every unfinished lease of S",
        "A revoked lease is left as is; a lease whose revocation failed is tried again. When the"
            + " provider fails, the lease keeps the error and the applications' managers retry"
            + " it."})
final class RevokeCommand extends Subcommand {
  @Parameters(paramLabel = "ID", arity = "0..*", description = "The leases to revoke.")
  List<String> ids;

  @Option(names = "--secret", paramLabel = "SECRET", description = "With --all: this secret's.")
  String secret;

  @Option(names = "--all", description = "Every unfinished lease of --secret.")
  boolean all;

  @Override
  public Integer call() {
    boolean byIds = ids != null && !ids.isEmpty();
    if (byIds == (secret != null || all) || (!byIds && (secret == null || !all))) {
      throw new ParameterException(spec.commandLine(), "give lease IDs, or --secret SECRET"
          + " --all (not both)");
    }
    try (Session session = root.open()) {
      if (!byIds) {
        session.config().secret(secret);
        int revoked = session.manager().revokeAll(secret);
        out().println("revoked " + revoked + " lease" + (revoked == 1 ? "" : "s") + " of "
            + secret);
        return ExitCodes.OK;
      }
      int exit = ExitCodes.OK;
      for (String id : ids) {
        try {
          Lease lease = session.manager().revoke(id);
          if (lease.state() == LeaseState.REVOKED) {
            out().println("revoked " + summary(lease));
          } else {
            out().println("in progress " + summary(lease) + " (another worker is revoking it)");
          }
        } catch (DynamicSecretException e) {
          err().println("error: " + Texts.shown(id) + ": " + Failures.message(e));
          exit = exit == ExitCodes.OK ? Failures.exitCode(e) : exit;
        }
      }
      return exit;
    }
  }
}
