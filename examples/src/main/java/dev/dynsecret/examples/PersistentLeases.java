package dev.dynsecret.examples;

import dev.dynsecret.CreatedLease;
import dev.dynsecret.DynamicSecret;
import dev.dynsecret.InvalidRequestException;
import dev.dynsecret.Lease;
import dev.dynsecret.LeaseManager;
import dev.dynsecret.LeaseState;
import dev.dynsecret.apic.ApiConnectProvider;
import dev.dynsecret.jdbc.JdbcLeaseStore;
import dev.dynsecret.LeaseQuery;
import dev.dynsecret.Page;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.EnumMap;
import java.util.Map;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Leases that outlive the process: kept in an H2 file, so a second run sees what the first one
 * created, expires what ran out in between, and adds one more.
 *
 * <p>By default the database is {@code ./data/dynsecret-example} (an H2 file, created on first
 * run). To keep leases in PostgreSQL instead, set {@code DYNSECRET_JDBC_URL} (for example {@code
 * jdbc:postgresql://localhost:5432/app}), {@code DYNSECRET_JDBC_USER} and {@code
 * DYNSECRET_JDBC_PASSWORD}; the tables are created if missing. The APIC side is chosen as in the
 * {@link Quickstart}: the simulator unless {@code DYNSECRET_APIC_*} variables name a real APIC.
 * (A fresh simulator starts empty each run, so credentials of earlier runs are already gone
 * there; revoking them counts as done, as it would after an out-of-band deletion.)
 */
public final class PersistentLeases {
  private static final String SECRET = "persistent-example";

  private PersistentLeases() {}

  public static void main(String[] args) {
    Map<String, String> env = System.getenv();
    DataSource dataSource = dataSource(env);
    try (ApicTarget apic = ApicTarget.fromEnvironment(env)) {
      JdbcLeaseStore store = JdbcLeaseStore.builder(dataSource).createSchema(true).build();
      try (LeaseManager leases = LeaseManager.builder().store(store).build()) {
        leases.register(DynamicSecret.builder(SECRET)
            .provider(ApiConnectProvider.TYPE, apic.config())
            .defaultTtl(Duration.ofMinutes(2))
            .maxTtl(Duration.ofHours(1))
            .build());
        say("Lease store: %s", store);

        Page<Lease> earlier = leases.list(
            LeaseQuery.bySecret(SECRET, 100).withStates(java.util.Set.of(LeaseState.ACTIVE)));
        say("Active leases from earlier runs: %d", earlier.items().size());
        for (Lease lease : earlier.items()) {
          say("  %s created %s, expires %s", lease.id(),
              lease.createdAt().truncatedTo(ChronoUnit.SECONDS),
              lease.expiresAt().truncatedTo(ChronoUnit.SECONDS));
        }

        int worked = leases.processDue();
        say("Expired or retried %d lease(s) that came due while no process was running", worked);

        CreatedLease created = leases.create(SECRET);
        say("Created lease %s (expires %s); run again to see it listed", created.lease().id(),
            created.lease().expiresAt().truncatedTo(ChronoUnit.SECONDS));

        say("Leases of '%s' by state: %s", SECRET, countByState(leases));
      }
    }
  }

  private static Map<LeaseState, Integer> countByState(LeaseManager leases) {
    Map<LeaseState, Integer> counts = new EnumMap<>(LeaseState.class);
    LeaseQuery query = LeaseQuery.bySecret(SECRET, 500);
    Page<Lease> page;
    do {
      page = leases.list(query);
      page.items().forEach(lease -> counts.merge(lease.state(), 1, Integer::sum));
      query = query.after(page.nextCursor());
    } while (page.hasNext());
    return counts;
  }

  private static DataSource dataSource(Map<String, String> env) {
    String url = env.get("DYNSECRET_JDBC_URL");
    if (url == null || url.isBlank()) {
      JdbcDataSource h2 = new JdbcDataSource();
      // Durable commits at once, and the database kept open between the store's connections
      // (see dynsecret-jdbc-store/README.md).
      h2.setURL("jdbc:h2:file:" + Path.of("data", "dynsecret-example").toAbsolutePath()
          + ";WRITE_DELAY=0;DB_CLOSE_DELAY=-1");
      return h2;
    }
    if (!url.startsWith("jdbc:postgresql:")) {
      throw new InvalidRequestException("DYNSECRET_JDBC_URL",
          "must be a jdbc:postgresql: URL (unset it to use the embedded H2 file)");
    }
    PGSimpleDataSource postgres = new PGSimpleDataSource();
    postgres.setURL(url);
    postgres.setUser(env.get("DYNSECRET_JDBC_USER"));
    postgres.setPassword(env.get("DYNSECRET_JDBC_PASSWORD"));
    return postgres;
  }

  private static void say(String format, Object... args) {
    System.out.println("persistent> " + String.format(format, args));
  }
}
