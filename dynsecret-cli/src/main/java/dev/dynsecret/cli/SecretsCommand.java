package dev.dynsecret.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dynsecret.DynamicSecret;
import dev.dynsecret.LeaseManager;
import dev.dynsecret.LeaseState;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "secrets", mixinStandardHelpOptions = true, footer = ExitCodes.FOOTER,
    description = "The dynamic secrets of the configuration file, with their leases by state.")
final class SecretsCommand extends Subcommand {
  @Option(names = "--json", description = "One JSON document, for scripts.")
  boolean json;

  @Override
  public Integer call() {
    try (Session session = root.open()) {
      LeaseManager manager = session.manager();
      Table table = new Table("SECRET", "PROVIDER", "DEFAULT TTL", "MAX TTL", "LIMIT", "PENDING",
          "ACTIVE", "REVOCATION_FAILED", "REVOKED");
      ArrayNode array = Json.array();
      for (DynamicSecret secret : manager.secrets()) {
        Map<LeaseState, Long> counts = new EnumMap<>(LeaseState.class);
        for (LeaseState state : LeaseState.values()) {
          counts.put(state, manager.countLeases(secret.name(), Set.of(state)));
        }
        String limit = secret.leaseLimit().isPresent()
            ? Integer.toString(secret.leaseLimit().getAsInt()) : "none";
        table.row(secret.name(), secret.providerType(), Durations.format(secret.defaultTtl()),
            Durations.format(secret.maxTtl()), limit, counts.get(LeaseState.PENDING),
            counts.get(LeaseState.ACTIVE), counts.get(LeaseState.REVOCATION_FAILED),
            counts.get(LeaseState.REVOKED));
        ObjectNode node = array.addObject();
        node.put("name", secret.name());
        node.put("provider", secret.providerType());
        node.put("defaultTtl", secret.defaultTtl().toString());
        node.put("maxTtl", secret.maxTtl().toString());
        if (secret.leaseLimit().isPresent()) {
          node.put("leaseLimit", secret.leaseLimit().getAsInt());
        } else {
          node.putNull("leaseLimit");
        }
        ObjectNode leases = node.putObject("leases");
        counts.forEach((state, count) -> leases.put(state.name(), count));
      }
      if (json) {
        Json.print(out(), array);
      } else if (table.isEmpty()) {
        out().println("No dynamic secrets are defined in " + session.config().file()
            + " (add them under 'secrets:').");
      } else {
        table.print(out());
      }
      return ExitCodes.OK;
    }
  }
}
