package dev.dynsecret.reliability;

import dev.dynsecret.Lease;
import dev.dynsecret.LeaseManager;
import dev.dynsecret.LeaseState;
import dev.dynsecret.jdbc.JdbcLeaseStore;
import dev.dynsecret.LeaseQuery;
import dev.dynsecret.Page;
import dev.dynsecret.testkit.TestClock;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.h2.jdbcx.JdbcDataSource;

/**
 * The child process of {@link CrashRestartTest}: an application that runs the {@link Workload}
 * against an H2 file database and the parent's APIC simulator until it is killed. It prints
 * {@code READY}, then {@code OP <n> <kind>} after each operation, so the parent can kill it at a
 * chosen point. Its clock starts where the parent says and moves only with the workload.
 *
 * <p>Arguments: H2 database path, seed, clock start (ISO instant), simulator URL, org, catalog,
 * app. The API key and toolkit client credentials come from the environment
 * ({@code SIM_API_KEY}, {@code SIM_CLIENT_ID}, {@code SIM_CLIENT_SECRET}), not the command line.
 */
public final class CrashingNode {
  private CrashingNode() {}

  /**
   * An H2 file database as the crash scenario opens it, from either process. {@code
   * WRITE_DELAY=0} makes every commit reach the file before it returns: with H2's default (500
   * ms), a killed process loses its last half second of commits, and a lease store that forgets
   * commits cannot keep its promises (a lease whose insert is lost leaves an orphan; a revocation
   * whose claim and outcome are lost leaves an active lease whose credential is gone).
   */
  static JdbcDataSource h2(String path) {
    JdbcDataSource dataSource = new JdbcDataSource();
    dataSource.setURL("jdbc:h2:file:" + path + ";WRITE_DELAY=0");
    dataSource.setUser("sa");
    return dataSource;
  }

  /**
   * Holds the database open: H2 closes a file database with its last connection, and the store
   * opens one per call, so without this every call would open (and recover) the file again.
   */
  static Connection keepOpen(JdbcDataSource dataSource) {
    try {
      return dataSource.getConnection();
    } catch (SQLException e) {
      throw new IllegalStateException("cannot open " + dataSource.getURL(), e);
    }
  }

  static LeaseManager.Builder manager(JdbcLeaseStore store, TestClock clock, String nodeId) {
    return LeaseManager.builder()
        .store(store)
        .clock(clock)
        .nodeId(nodeId)
        .maxInFlight(2)
        .pendingGracePeriod(CrashRestartTest.GRACE)
        .claimTimeout(CrashRestartTest.CLAIM_TIMEOUT);
  }

  public static void main(String[] args) {
    String path = args[0];
    long seed = Long.parseLong(args[1]);
    TestClock clock = TestClock.at(Instant.parse(args[2]));
    PrintStream out = System.out;
    JdbcDataSource dataSource = h2(path);
    Connection keepOpen = keepOpen(dataSource); // never closed: the process is killed
    // Time comes from a TestClock the workload moves: decide by it, not by the database's clock.
    JdbcLeaseStore store = JdbcLeaseStore.builder(dataSource).createSchema(true)
        .useDatabaseClock(false).build();
    LeaseManager leases = manager(store, clock, "child-" + seed)
        .secret(Apic.secret(args[3], System.getenv("SIM_API_KEY"), System.getenv("SIM_CLIENT_ID"),
            System.getenv("SIM_CLIENT_SECRET"), args[4], args[5], args[6], CrashRestartTest.MAX_TTL))
        .build();
    Workload workload = new Workload(leases, clock, seed, activeLeaseIds(leases), Duration.ofSeconds(20));
    System.err.println("holding " + keepOpen); // keeps the connection reachable
    out.println("READY");
    out.flush();
    for (int n = 1; ; n++) {
      Workload.Op op = workload.step();
      out.println("OP " + n + " " + op);
      out.flush();
    }
  }

  private static List<String> activeLeaseIds(LeaseManager leases) {
    List<String> ids = new ArrayList<>();
    LeaseQuery query = LeaseQuery.all(1000).withStates(Set.of(LeaseState.ACTIVE));
    Page<Lease> page;
    do {
      page = leases.list(query);
      page.items().forEach(lease -> ids.add(lease.id()));
      query = query.after(page.nextCursor());
    } while (page.hasNext());
    return ids;
  }
}
