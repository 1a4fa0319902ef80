package dev.dynsecret.cli;

import dev.dynsecret.ReconciliationReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "reconcile", mixinStandardHelpOptions = true, footer = ExitCodes.FOOTER,
    description = {"Cleans up now the leases whose create never completed.",
        "For each PENDING lease past its grace period, the credential (if the provider made one)"
            + " is deleted and the lease closed. Creates still within the grace period are left"
            + " alone."})
final class ReconcileCommand extends Subcommand {
  @Option(names = "--json", description = "The report as JSON.")
  boolean json;

  @Override
  public Integer call() {
    try (Session session = root.open()) {
      ReconciliationReport report = session.manager().reconcile();
      if (json) {
        Json.print(out(), Json.object().put("examined", report.examined())
            .put("reconciled", report.reconciled()).put("inFlight", report.inFlight())
            .put("failed", report.failed()));
      } else {
        out().println("pending leases examined: " + report.examined() + ", reconciled: "
            + report.reconciled() + ", still in flight: " + report.inFlight() + ", failed: "
            + report.failed());
      }
      if (report.failed() > 0) {
        throw new ProviderFailedException(report.failed() + " pending lease(s) could not be"
            + " cleaned up now; they stay pending and are retried in the background (see"
            + " dynsecret leases --state pending for their last error)");
      }
      return ExitCodes.OK;
    }
  }
}
