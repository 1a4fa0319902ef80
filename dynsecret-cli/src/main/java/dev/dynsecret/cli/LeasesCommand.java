package dev.dynsecret.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.dynsecret.Lease;
import dev.dynsecret.LeaseManager;
import dev.dynsecret.LeaseQuery;
import dev.dynsecret.LeaseState;
import dev.dynsecret.Page;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "leases", mixinStandardHelpOptions = true, footer = ExitCodes.FOOTER,
    description = {"Lists leases: expiry, hard limit, attempts, last error.",
        "Unfinished leases (pending, active, revocation failed) by default, oldest first; with"
            + " --expiring-within, the active leases that run out within that time, soonest"
            + " first."})
final class LeasesCommand extends Subcommand {
  @Option(names = "--secret", paramLabel = "SECRET", description = "Only this dynamic secret's.")
  String secret;

  @Option(names = "--state", paramLabel = "STATE", split = ",",
      description = "Only leases in these states (comma-separated): ${COMPLETION-CANDIDATES}.")
  List<LeaseState> states;

  @Option(names = "--all", description = "Revoked leases (history) too.")
  boolean all;

  @Option(names = "--expiring-within", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "Only active leases that expire within this time, e.g. 10m, 2h.")
  Duration expiringWithin;

  @Option(names = "--limit", paramLabel = "N", defaultValue = "500",
      description = "Show at most N leases (default ${DEFAULT-VALUE}).")
  int limit;

  @Option(names = "--json", description = "One JSON array of leases with every field, for scripts.")
  boolean json;

  @Override
  public Integer call() {
    if (limit < 1) {
      throw new IllegalArgumentException("--limit: must be at least 1; was " + limit);
    }
    try (Session session = root.open()) {
      if (secret != null) {
        session.config().secret(secret);
      }
      Set<LeaseState> wanted = states != null && !states.isEmpty() ? EnumSet.copyOf(states)
          : all ? Set.of() : EnumSet.of(LeaseState.PENDING, LeaseState.ACTIVE,
              LeaseState.REVOCATION_FAILED);
      if (expiringWithin != null) {
        wanted = EnumSet.of(LeaseState.ACTIVE);
      }
      Instant now = now();
      List<Lease> found = new ArrayList<>();
      boolean more = collect(session.manager(), wanted, now, found);
      if (expiringWithin != null) {
        found.sort(Comparator.comparing(Lease::expiresAt));
      }
      if (json) {
        ArrayNode array = Json.array();
        found.forEach(l -> array.add(Json.lease(l)));
        Json.print(out(), array);
      } else if (found.isEmpty()) {
        out().println("No leases match.");
      } else {
        Table table = new Table("ID", "SECRET", "STATE", "EXPIRES", "HARD LIMIT", "ATTEMPTS",
            "LAST ERROR");
        for (Lease lease : found) {
          table.row(lease.id(), lease.secretName(), shownState(lease), expiresIn(lease),
              hardLimit(lease), lease.revocationAttempts(), cut(lease.lastError()));
        }
        table.print(out());
      }
      if (more) {
        err().println("More leases match than --limit " + limit + " shows; raise --limit or"
            + " narrow with --secret / --state.");
      }
      return ExitCodes.OK;
    }
  }

  /** Pages through the store; true if more matched than the limit. */
  private boolean collect(LeaseManager manager, Set<LeaseState> wanted, Instant now,
      List<Lease> found) {
    LeaseQuery query = new LeaseQuery(secret, wanted, null, Math.min(1000, LeaseQuery.MAX_LIMIT));
    while (true) {
      Page<Lease> page = manager.list(query);
      for (Lease lease : page.items()) {
        if (expiringWithin != null && (lease.revocationPending()
            || lease.expiresAt().isAfter(now.plus(expiringWithin)))) {
          continue;
        }
        if (found.size() == limit) {
          return true;
        }
        found.add(lease);
      }
      if (!page.hasNext()) {
        return false;
      }
      query = query.after(page.nextCursor());
    }
  }

  private static String cut(String error) {
    if (error == null) {
      return null;
    }
    // Long enough for the request, its status and the provider's reason; --json has it all.
    return error.length() <= 240 ? error : error.substring(0, 237) + "...";
  }
}
