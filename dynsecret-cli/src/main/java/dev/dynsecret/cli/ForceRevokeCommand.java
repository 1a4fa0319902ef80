package dev.dynsecret.cli;

import dev.dynsecret.Lease;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "force-revoke", mixinStandardHelpOptions = true, footer = ExitCodes.FOOTER,
    description = {"Marks a lease revoked even if the provider cannot delete its credential.",
        "The provider is still asked. Use it for a lease stuck in REVOCATION_FAILED once its"
            + " credential is known to be gone, or has been deleted by hand."})
final class ForceRevokeCommand extends Subcommand {
  @Parameters(index = "0", paramLabel = "ID", description = "The lease.")
  String id;

  @Override
  public Integer call() {
    try (Session session = root.open()) {
      Lease lease = session.manager().forceRevoke(id);
      out().println("force-revoked " + summary(lease));
      if (lease.lastError() != null) {
        err().println("warning: " + lease.lastError() + " (the credential may still exist at"
            + " the provider; delete it there)");
      }
      return ExitCodes.OK;
    }
  }
}
