package dev.dynsecret.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynsecret.Lease;
import dev.dynsecret.LeaseManager;
import dev.dynsecret.LeaseState;
import dev.dynsecret.OrphanSweepReport;
import dev.dynsecret.ReconciliationReport;
import dev.dynsecret.jdbc.JdbcLeaseStore;
import dev.dynsecret.spi.LeaseRecord;
import dev.dynsecret.testkit.TestClock;
import dev.dynsecret.apic.simulator.ApicSimulator;
import dev.dynsecret.apic.simulator.RequestKind;
import dev.dynsecret.apic.simulator.Seed;
import java.sql.Connection;
import org.h2.jdbcx.JdbcDataSource;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An application killed with SIGKILL in the middle of its work, over and over: each round a child
 * JVM ({@link CrashingNode}) runs the workload on an H2 file database against this test's APIC
 * simulator and is killed after a randomly chosen (seeded) operation, wherever it then is: between
 * recording a lease and creating its credential, between creating and activating, between
 * claiming and deleting, inside an HTTP call or a database write. Then a new manager on the same
 * database, with its clock past the grace period and claim timeout, reconciles, works what is due
 * and sweeps orphans, and there is no credential without an active lease and no active lease
 * without its credential.
 */
class CrashRestartTest {
  static final Duration GRACE = Duration.ofMinutes(1);
  static final Duration CLAIM_TIMEOUT = Duration.ofMinutes(1);
  static final Duration MAX_TTL = Duration.ofHours(3);
  private static final long SEED = 77L;
  private static final int ROUNDS = Integer.getInteger("crash.rounds", 16);
  private static final int MAX_OPERATIONS_BEFORE_KILL = 30;
  private static final Duration CHILD_WAIT = Duration.ofSeconds(60);

  @TempDir Path dir;
  private ApicSimulator apic;
  private final List<Process> children = new ArrayList<>();

  @BeforeEach
  void start() {
    apic = ApicSimulator.builder().start();
    // A little latency keeps the child inside HTTP calls for part of the time it may be killed.
    apic.faults().latency(Duration.ofMillis(5));
  }

  @AfterEach
  void stop() {
    children.forEach(Process::destroyForcibly);
    apic.close();
  }

  @Test
  @SuppressWarnings("try") // keepOpen is only held, to keep the database open for the round
  void afterEveryKillAndRestartNoCredentialLacksALeaseAndNoActiveLeaseLacksItsCredential()
      throws Exception {
    long started = System.nanoTime();
    Random random = new Random(SEED);
    String db = dir.resolve("leases").toString();
    Instant childClock = Instant.parse("2030-01-01T00:00:00Z");
    int operations = 0;
    int pendingAtRestart = 0;
    int claimedAtRestart = 0;
    int reconciled = 0;
    int orphansDeleted = 0;
    int maxActive = 0;
    for (int round = 1; round <= ROUNDS; round++) {
      KillPoint kill = KillPoint.draw(random);
      operations += runAndKill(round, db, random.nextLong(), childClock, kill);

      // The restart: the child's clock moved at most 20 s per operation, so this is past every
      // grace period and claim the child held.
      TestClock clock = TestClock.at(childClock.plus(Duration.ofMinutes(20)));
      JdbcDataSource dataSource = CrashingNode.h2(db);
      Seed seed = apic.seed();
      JdbcLeaseStore store = JdbcLeaseStore.builder(dataSource).build();
      try (Connection keepOpen = CrashingNode.keepOpen(dataSource);
          LeaseManager leases = CrashingNode.manager(store, clock, "restarted-" + round)
          .secret(Apic.secret(apic.baseUrl(), apic.apiKey().reveal(), apic.clientId(),
              apic.clientSecret().reveal(), seed.org().name(), seed.catalog().name(),
              seed.app().name(), MAX_TTL))
          .build()) {
        List<LeaseRecord> before = Ledger.allRecords(store);
        int pending = (int) before.stream().filter(l -> l.state() == LeaseState.PENDING).count();
        int claimed = (int) before.stream()
            .filter(l -> l.claimedBy() != null && l.claimedBy().startsWith("child-")).count();

        ReconciliationReport reconciliation = leases.reconcile();
        Ledger.settle(leases, clock, Duration.ofSeconds(30), 50);
        OrphanSweepReport sweep = leases.sweepOrphans(Apic.SECRET, false);

        Ledger.assertCredentialsMatchActiveLeases(leases, apic);
        assertEquals(0, sweep.failed(), "orphans that could not be deleted: " + sweep);
        int active = Ledger.byState(Ledger.allLeases(leases)).getOrDefault(LeaseState.ACTIVE, 0);
        System.out.printf("crash round %d: killed %s; at restart %d pending,"
                + " %d claimed by the dead node; reconcile %s; orphans deleted %d; %d active"
                + " leases, %d live credentials%n", round, kill, pending, claimed,
            reconciliation, sweep.deleted(), active, apic.liveCredentialCount());
        pendingAtRestart += pending;
        claimedAtRestart += claimed;
        reconciled += reconciliation.reconciled();
        orphansDeleted += sweep.deleted();
        maxActive = Math.max(maxActive, active);
        childClock = clock.instant().plus(Duration.ofMinutes(1));
      }
    }
    System.out.printf("crashes: %d rounds, SIGKILL each time, ~%d operations in all; at restarts"
            + " %d pending leases and %d claimed by the dead node; %d reconciled, %d orphans"
            + " deleted; at most %d active leases; %.1f s%n", ROUNDS, operations,
        pendingAtRestart, claimedAtRestart, reconciled, orphansDeleted, maxActive,
        (System.nanoTime() - started) / 1e9);
    assertTrue(maxActive > 0, "no lease survived any round: nothing was compared");
  }

  /**
   * Where a child is killed: right after it reports an operation done (so in the next one's first
   * steps), or the moment the platform receives its n-th create or delete request of the round (so
   * with the lease recorded and the credential being made, or claimed and being deleted).
   */
  record KillPoint(RequestKind request, int count) {
    static KillPoint draw(Random random) {
      double r = random.nextDouble();
      if (r < 0.4) {
        return new KillPoint(null, 1 + random.nextInt(MAX_OPERATIONS_BEFORE_KILL));
      }
      return r < 0.75 ? new KillPoint(RequestKind.CREATE_CREDENTIAL, 1 + random.nextInt(8))
          : new KillPoint(RequestKind.DELETE_CREDENTIAL, 1 + random.nextInt(4));
    }

    @Override
    public String toString() {
      return request == null ? "after operation " + count
          : "on receipt of its " + count + ". " + request + " request";
    }
  }

  /**
   * Starts a child, lets it run until {@code kill}, kills it with SIGKILL and waits for it to be
   * gone.
   *
   * @return the operations it reported done
   */
  private int runAndKill(int round, String db, long seed, Instant clockStart, KillPoint kill)
      throws Exception {
    long requestsBefore = kill.request() == null ? 0 : apic.requestCount(kill.request());
    Seed sim = apic.seed();
    Path errors = dir.resolve("child-" + round + ".err");
    ProcessBuilder builder = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m",
        // The child logs to this module's test log too, so the secret scan covers it.
        "-Ddynsecret.testLogDir=" + System.getProperty("dynsecret.testLogDir", "target/test-logs"),
        "-cp", System.getProperty("java.class.path"),
        CrashingNode.class.getName(),
        db, Long.toString(seed), clockStart.toString(), apic.baseUrl(),
        sim.org().name(), sim.catalog().name(), sim.app().name())
        .redirectError(errors.toFile());
    builder.environment().put("SIM_API_KEY", apic.apiKey().reveal());
    builder.environment().put("SIM_CLIENT_ID", apic.clientId());
    builder.environment().put("SIM_CLIENT_SECRET", apic.clientSecret().reveal());
    Process child = builder.start();
    children.add(child);
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(
          new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) {
          lines.add(line);
        }
      } catch (IOException killed) {
        // The pipe closes when the child dies.
      }
      lines.add("EOF");
    }, "child-" + round + "-stdout");
    reader.setDaemon(true);
    reader.start();

    long spawned = System.nanoTime();
    long deadline = spawned + CHILD_WAIT.toNanos();
    int done = 0;
    long readyAt = 0;
    boolean ready = false;
    while (!ready || (kill.request() == null && done < kill.count())) {
      String line = lines.poll(100, TimeUnit.MILLISECONDS);
      if (line == null) {
        assertTrue(System.nanoTime() < deadline, "child " + round + " never reached " + kill
            + " after " + done + " operations; its errors: " + read(errors));
      } else if (line.equals("EOF")) {
        throw new AssertionError("child " + round + " ended by itself after " + done
            + " operations; its errors: " + read(errors));
      } else if (line.equals("READY")) {
        ready = true;
        readyAt = System.nanoTime();
      } else if (line.startsWith("OP ")) {
        done++;
      }
    }
    // Waits on the simulator's request counter itself, so the kill follows the request's arrival
    // at once, while the request is still being served.
    while (kill.request() != null
        && !apic.awaitRequestCount(kill.request(), requestsBefore + kill.count(), Duration.ofMillis(100))) {
      assertTrue(child.isAlive(), "child " + round + " died before " + kill + "; its errors: "
          + read(errors));
      assertTrue(System.nanoTime() < deadline, "child " + round + " never reached " + kill);
    }
    child.destroyForcibly(); // SIGKILL on Linux: no shutdown hook, no finally block runs
    assertTrue(child.waitFor(CHILD_WAIT.toSeconds(), TimeUnit.SECONDS), "child did not die");
    assertEquals(137, child.exitValue(), "killed by SIGKILL (128 + 9)");
    children.remove(child);
    reader.join(TimeUnit.SECONDS.toMillis(10));
    for (String line : lines) {
      if (line.startsWith("OP ")) {
        done++;
      }
    }
    System.out.printf("child %d: ready after %d ms, killed %d ms later, %d operations done%n",
        round, (readyAt - spawned) / 1_000_000, (System.nanoTime() - readyAt) / 1_000_000, done);
    return done;
  }

  private static String read(Path file) throws IOException {
    return Files.exists(file) ? Files.readString(file) : "(none)";
  }
}
