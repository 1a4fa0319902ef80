package dev.dynsecret.benchmarks;

import static dev.dynsecret.benchmarks.Scenarios.say;

import java.util.ArrayList;
import java.util.List;

/**
 * Figure 5's scenario on MariaDB, one manager with the defaults (at the time: batch 100, parallelism 4), 10,000
 * due: MariaDB Connector/J's default client-side prepared statements (the SQL text is sent with the
 * values on every execution and parsed by the server each time) against server-side ones ({@code
 * useServerPrepStmts=true}), alternating, after a warm-up. Run:
 *
 * <pre>
 * mvn -q -pl benchmarks -am compile exec:java -Dexec.mainClass=dev.dynsecret.benchmarks.MariaDbPrepareProbe
 * </pre>
 */
public final class MariaDbPrepareProbe {
  private MariaDbPrepareProbe() {}

  public static void main(String[] args) throws Exception {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    int due = 10_000;
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 4;
    List<Double> client = new ArrayList<>();
    List<Double> server = new ArrayList<>();
    try (MariaDb mariadb = new MariaDb()) {
      for (int i = 0; i < 3; i++) {
        ExpiryFigures.multiNodeRate(mariadb, 1, due, ExpiryFigures.DEFAULT_BATCH, ExpiryFigures.PARALLELISM);
      }
      for (int r = 0; r < rounds; r++) {
        mariadb.poolOptions("");
        client.add(ExpiryFigures.multiNodeRate(mariadb, 1, due, ExpiryFigures.DEFAULT_BATCH,
            ExpiryFigures.PARALLELISM));
        mariadb.poolOptions("?useServerPrepStmts=true");
        server.add(ExpiryFigures.multiNodeRate(mariadb, 1, due, ExpiryFigures.DEFAULT_BATCH,
            ExpiryFigures.PARALLELISM));
      }
    }
    say("client-side prepare (default): " + client);
    say("useServerPrepStmts=true:       " + server);
    System.exit(0);
  }
}
