package dev.dynsecret.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dynsecret.ListedCredential;
import dev.dynsecret.OrphanSweepReport;
import dev.dynsecret.ProviderException;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "sweep", mixinStandardHelpOptions = true, footer = ExitCodes.FOOTER,
    description = {"Finds (and with --apply deletes) credentials no lease tracks.",
        "Lists the credentials dynsecret made at the provider; those whose lease is revoked or"
            + " gone are orphans. Also reports active leases whose credential was deleted behind"
            + " dynsecret's back. Run it only where this store is the only one managing the"
            + " provider's application."})
final class SweepCommand extends Subcommand {
  /** Exactly one of the two: deleting must be asked for. */
  static final class Mode {
    @Option(names = "--dry-run", required = true, description = "Only report the orphans.")
    boolean dryRun;

    @Option(names = "--apply", required = true, description = "Delete the orphans.")
    boolean apply;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Mode mode;

  @Option(names = "--secret", paramLabel = "SECRET",
      description = "Only these secrets (repeatable; default: every secret).")
  List<String> secrets;

  @Option(names = "--json", description = "The reports as JSON.")
  boolean json;

  @Override
  public Integer call() {
    boolean dryRun = mode.dryRun;
    try (Session session = root.open()) {
      List<String> names = new ArrayList<>();
      if (secrets == null || secrets.isEmpty()) {
        names.addAll(session.config().names());
      } else {
        for (String name : secrets) {
          names.add(session.config().secret(name).name());
        }
      }
      Table table = new Table("SECRET", "LISTED", "TRACKED", "ORPHANS",
          dryRun ? "WOULD DELETE" : "DELETED", "FAILED", "VANISHED", "NOTE");
      ArrayNode array = Json.array();
      List<String> orphanLines = new ArrayList<>();
      int failures = 0;
      for (int i = 0; i < names.size(); i++) {
        String name = names.get(i);
        // One provider listing per secret can take a while: say where we are.
        err().println("[" + (i + 1) + "/" + names.size() + "] sweeping " + name
            + (dryRun ? " (dry run)" : "") + " ...");
        err().flush();
        OrphanSweepReport report;
        try {
          report = session.manager().sweepOrphans(name, dryRun);
        } catch (ProviderException e) {
          failures++;
          table.row(name, "-", "-", "-", "-", "-", "-", Failures.message(e));
          array.addObject().put("secret", name).put("error", e.getMessage());
          continue;
        }
        if (report.failed() > 0) {
          failures++;
        }
        table.row(name, report.listed(), report.tracked(), report.orphans().size(),
            dryRun ? report.orphans().size() : report.deleted(), report.failed(),
            report.vanished().size(), report.supported() ? report.message()
                : "not supported: " + report.message());
        for (ListedCredential orphan : report.orphans()) {
          orphanLines.add("  " + name + ": " + orphan.name() + " (lease " + orphan.leaseId()
              + ", credential " + orphan.externalId() + ")");
        }
        for (String lease : report.vanished()) {
          orphanLines.add("  " + name + ": lease " + lease + " is active but its credential is"
              + " gone at the provider");
        }
        array.add(json(report));
      }
      if (json) {
        Json.print(out(), array);
      } else {
        table.print(out());
        if (!orphanLines.isEmpty()) {
          out().println();
          out().println(dryRun ? "Orphans (not deleted: run with --apply to delete):"
              : "Orphans and vanished credentials:");
          orphanLines.forEach(out()::println);
        }
        out().flush();
      }
      if (failures > 0) {
        throw new ProviderFailedException("the sweep of " + failures + " secret(s) did not"
            + " complete; see the table (run again, or dynsecret verify SECRET)");
      }
      return ExitCodes.OK;
    }
  }

  private static ObjectNode json(OrphanSweepReport report) {
    ObjectNode node = Json.object();
    node.put("secret", report.secretName());
    node.put("supported", report.supported());
    node.put("dryRun", report.dryRun());
    node.put("listed", report.listed());
    node.put("tracked", report.tracked());
    node.put("tooYoung", report.tooYoung());
    node.put("undated", report.undated());
    ArrayNode orphans = node.putArray("orphans");
    for (ListedCredential orphan : report.orphans()) {
      orphans.addObject().put("leaseId", orphan.leaseId()).put("externalId", orphan.externalId())
          .put("name", orphan.name());
    }
    node.put("deleted", report.deleted());
    node.put("failed", report.failed());
    node.put("message", report.message());
    ArrayNode vanished = node.putArray("vanished");
    report.vanished().forEach(vanished::add);
    return node;
  }
}
