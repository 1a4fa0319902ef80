package dev.dynsecret.reliability;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.dynsecret.DynamicSecret;
import dev.dynsecret.DynamicSecretException;
import dev.dynsecret.Lease;
import dev.dynsecret.LeaseManager;
import dev.dynsecret.LeaseState;
import dev.dynsecret.ProviderConfig;
import dev.dynsecret.RevokeReason;
import dev.dynsecret.jdbc.JdbcLeaseStore;
import dev.dynsecret.spi.LeaseRecord;
import dev.dynsecret.testkit.RecordingProvider;
import dev.dynsecret.testkit.SkewedClock;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Three application instances on one real PostgreSQL whose clocks disagree: one 60 s ahead, one
 * right, one 60 s behind; and one whose clock jumps 10 minutes forward and back while it works.
 * Leases are created on every node, renewed and revoked by hand on the slow one, and left to
 * expire; background work runs on every node, on real time. No credential may be deleted before
 * the expiry its caller was given (a second of slack for polling), no renewal may end before
 * what it promised, and every credential is deleted exactly once, by the node that holds the
 * lease's claim.
 *
 * <p>The system clock is the reference: the embedded PostgreSQL runs on this machine, so it is
 * the database's clock too. The same scenarios run with {@code useDatabaseClock(false)} (each
 * node deciding by its own clock, as before the database's clock was used) when
 * {@code -Ddynsecret.nodeClocks.before=true} is set; they then print their figures without
 * asserting, for {@code docs/reliability.md}.
 */
class NodeClocksTest {
  private static final String SECRET = "orders-api";
  private static final Duration TTL = Duration.ofSeconds(12);
  private static final Duration RENEW_BY = Duration.ofSeconds(20);
  private static final Duration CLAIM_TIMEOUT = Duration.ofSeconds(20);
  private static final Duration POLL = Duration.ofMillis(250);
  /** Polling, plus measuring the database's clock over a loaded machine's round trip. */
  private static final Duration SLACK = Duration.ofSeconds(1);
  private static final boolean BEFORE = Boolean.getBoolean("dynsecret.nodeClocks.before");

  private EmbeddedPostgres postgres;
  private final RecordingProvider provider = new RecordingProvider();
  private final TimedProvider.Calls calls = new TimedProvider.Calls();
  private final List<HikariDataSource> pools = new ArrayList<>();
  private final List<LeaseManager> managers = new ArrayList<>();
  private final List<SkewedClock> clocks = new ArrayList<>();
  private JdbcLeaseStore reader;

  @BeforeEach
  void startDatabase() throws Exception {
    postgres = EmbeddedPostgres.builder()
        .setServerConfig("fsync", "off")
        .setServerConfig("synchronous_commit", "off")
        .start();
  }

  @AfterEach
  void stopEverything() throws Exception {
    managers.forEach(LeaseManager::close);
    pools.forEach(HikariDataSource::close);
    postgres.close();
  }

  private void startNodes(boolean databaseClock, Duration... skews) {
    DynamicSecret secret = DynamicSecret.builder(SECRET)
        .provider(RecordingProvider.TYPE, ProviderConfig.empty())
        .defaultTtl(TTL).maxTtl(Duration.ofHours(1)).build();
    for (int i = 0; i < skews.length; i++) {
      String node = "node-" + (i + 1);
      HikariConfig config = new HikariConfig();
      config.setJdbcUrl(postgres.getJdbcUrl("postgres", "postgres"));
      config.setPoolName(node);
      config.setMaximumPoolSize(6);
      config.setMinimumIdle(0);
      HikariDataSource pool = new HikariDataSource(config);
      pools.add(pool);
      JdbcLeaseStore store = JdbcLeaseStore.builder(pool).createSchema(true)
          .useDatabaseClock(databaseClock).build();
      if (reader == null) {
        reader = store;
      }
      SkewedClock clock = SkewedClock.by(skews[i]);
      clocks.add(clock);
      managers.add(LeaseManager.builder()
          .store(store)
          .provider(new TimedProvider(provider, node, Duration.ofMillis(150), calls))
          .discoverProviders(false)
          .clock(clock)
          .nodeId(node)
          .pollInterval(POLL)
          .claimTimeout(CLAIM_TIMEOUT)
          .maxInFlight(2)
          .claimBatchSize(10)
          .secret(secret)
          .build());
    }
  }

  /**
   * Until when a caller may use each lease: the later of the expiry it was given and the time it
   * asked (the reference clock at the call plus the TTL), so that neither an expiry stated from
   * a clock that is ahead nor one stated from a clock that is behind hides an early delete.
   */
  private final Map<String, Instant> promised = new HashMap<>();
  private final List<String> findings = new ArrayList<>();
  private int renewalsShort;

  private Lease create(LeaseManager node) {
    Instant asked = Instant.now().plus(TTL);
    Lease lease = node.create(SECRET).lease();
    promise(node, lease, asked, "create");
    return lease;
  }

  /** Renews on {@code node} and checks the promise against the reference clock. */
  private void renew(LeaseManager node, String id) {
    Instant asked = Instant.now().plus(RENEW_BY);
    try {
      promise(node, node.renew(id, RENEW_BY), asked, "renewal");
    } catch (DynamicSecretException e) {
      findings.add("renewal of " + id + " on " + node.nodeId() + " refused: " + e.getMessage());
    }
  }

  private void promise(LeaseManager node, Lease lease, Instant asked, String what) {
    Instant stated = lease.expiresAt();
    promised.put(lease.id(), stated.isAfter(asked) ? stated : asked);
    Duration shortBy = Duration.between(stated, asked);
    if (shortBy.compareTo(SLACK) > 0) {
      renewalsShort += what.equals("renewal") ? 1 : 0;
      findings.add(what + " of " + lease.id() + " on " + node.nodeId() + " states an expiry "
          + seconds(shortBy) + " s before what was asked");
    }
  }

  private Lease revoke(LeaseManager node, String id) {
    try {
      return node.revoke(id);
    } catch (DynamicSecretException e) {
      findings.add("revoke of " + id + " on " + node.nodeId() + " threw: " + e.getMessage());
      return null;
    }
  }

  @Test
  void nodesAt60sAhead0And60sBehindDeleteNothingEarlyAndEverythingOnce() throws Exception {
    Figures figures = skewScenario(true);
    assertAll(figures.assertions());
  }

  @Test
  void beforeNodesAt60sAhead0And60sBehindWithEachNodesOwnClock() throws Exception {
    Assumptions.assumeTrue(BEFORE, "set -Ddynsecret.nodeClocks.before=true for the figures"
        + " of nodes deciding by their own clocks");
    skewScenario(false);
  }

  @Test
  void aNodeWhoseClockJumps10MinutesForwardAndBackDeletesNothingEarly() throws Exception {
    Figures figures = jumpScenario(true);
    assertAll(figures.assertions());
  }

  @Test
  void beforeANodeWhoseClockJumpsWithEachNodesOwnClock() throws Exception {
    Assumptions.assumeTrue(BEFORE, "set -Ddynsecret.nodeClocks.before=true for the figures"
        + " of nodes deciding by their own clocks");
    jumpScenario(false);
  }

  private Figures skewScenario(boolean databaseClock) throws Exception {
    startNodes(databaseClock, Duration.ofSeconds(60), Duration.ZERO, Duration.ofSeconds(-60));
    LeaseManager fast = managers.get(0);
    LeaseManager right = managers.get(1);
    LeaseManager slow = managers.get(2);
    List<String> createdOnRight = new ArrayList<>();
    List<String> createdOnFast = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      createdOnFast.add(create(fast).id());
      createdOnRight.add(create(right).id());
      create(slow);
    }
    managers.forEach(LeaseManager::start);

    // The slow node renews leases made on the right node, and revokes by hand ones made on the
    // fast node, while every node's background work runs.
    for (String id : createdOnRight.subList(0, 4)) {
      renew(slow, id);
    }
    List<Lease> manual = new ArrayList<>();
    for (String id : createdOnFast) {
      manual.add(revoke(slow, id));
    }
    return settle("clocks +60 s / 0 / -60 s" + (databaseClock ? "" : " (each node's own clock)"),
        manual, slow.nodeId());
  }

  private Figures jumpScenario(boolean databaseClock) throws Exception {
    startNodes(databaseClock, Duration.ZERO, Duration.ZERO, Duration.ZERO);
    LeaseManager jumping = managers.get(1);
    SkewedClock clock = clocks.get(1);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      for (LeaseManager node : managers) {
        ids.add(create(node).id());
      }
    }
    managers.forEach(LeaseManager::start);

    // Forward 10 minutes, work a while (renewing on the jumped node), back 10 minutes; then 10
    // minutes behind, the same, and forward again. How long each lasts is the stimulus; the
    // checks hold whatever it is.
    clock.jump(Duration.ofMinutes(10));
    renew(jumping, ids.get(0));
    renew(jumping, ids.get(1));
    Thread.sleep(2_000);
    clock.jump(Duration.ofMinutes(-10));
    clock.jump(Duration.ofMinutes(-10));
    renew(jumping, ids.get(2));
    renew(jumping, ids.get(3));
    Thread.sleep(2_000);
    clock.jump(Duration.ofMinutes(10));
    return settle("one clock jumping 10 min forward and back" + (databaseClock ? ""
        : " (each node's own clock)"), List.of(), jumping.nodeId());
  }

  /** Waits until every lease is revoked, then measures what happened against the promises. */
  private Figures settle(String scenario, List<Lease> manual, String manualNode) {
    Duration longest = TTL.plus(RENEW_BY).plusSeconds(30);
    try {
      Await.until(longest, "every lease revoked", () ->
          reader.count(SECRET, EnumSet.of(LeaseState.ACTIVE, LeaseState.PENDING)) == 0);
    } catch (AssertionError stillActive) {
      if (!BEFORE) {
        throw stillActive;
      }
      findings.add("not all revoked after " + longest.toSeconds() + " s (an expiry stated from"
          + " a clock that was ahead)");
    }

    Map<String, LeaseRecord> leases = Ledger.allRecords(reader).stream()
        .collect(Collectors.toMap(LeaseRecord::id, l -> l));
    Map<String, List<TimedProvider.Delete>> deletes = calls.deletes.stream()
        .collect(Collectors.groupingBy(TimedProvider.Delete::leaseId));
    int early = 0;
    Duration earliest = Duration.ZERO;
    int twice = 0;
    int notByClaimHolder = 0;
    for (LeaseRecord lease : leases.values()) {
      List<TimedProvider.Delete> of = deletes.getOrDefault(lease.id(), List.of());
      if (of.size() != 1) {
        twice += of.size() > 1 ? 1 : 0;
        findings.add("lease " + lease.id() + " deleted " + of.size() + " times");
      }
      for (TimedProvider.Delete delete : of) {
        if (!delete.node().equals(lease.revokedBy())) {
          notByClaimHolder++;
        }
        if (lease.revokeReason() == RevokeReason.MANUAL) {
          continue; // deleted when asked to: no promise to keep
        }
        Duration before = Duration.between(delete.at(), promised.get(lease.id()));
        if (before.compareTo(Duration.ZERO) > 0) {
          earliest = before.compareTo(earliest) > 0 ? before : earliest;
        }
        if (before.compareTo(SLACK) > 0) {
          early++;
          findings.add("lease " + lease.id() + " deleted by " + delete.node() + " "
              + seconds(before) + " s before its expiry " + promised.get(lease.id()));
        }
      }
    }
    long manualDone = manual.stream()
        .filter(l -> l != null && l.state() == LeaseState.REVOKED).count();
    System.out.printf("%s: %d leases, %d deletes; deleted before the promised expiry (beyond"
            + " %d s slack): %d, at most %s s early; deleted twice: %d; deleted by a node other"
            + " than the one recorded: %d; manual revokes on %s answered REVOKED: %d of %d;"
            + " %s%n", scenario, leases.size(), calls.deletes.size(), SLACK.toSeconds(), early,
        seconds(earliest), twice, notByClaimHolder, manualNode, manualDone, manual.size(),
        renewalsShort + " renewals stated short");
    int earlyCount = early;
    int twiceCount = twice;
    int foreign = notByClaimHolder;
    return new Figures(List.of(
        () -> assertEquals(0, earlyCount, "deleted before their expiry: " + findings),
        () -> assertEquals(0, twiceCount, "deleted twice: " + findings),
        () -> assertEquals(0, foreign, "deleted by a node that did not hold the claim"),
        () -> assertEquals(manual.size(), manualDone, "manual revokes answered REVOKED"),
        () -> assertTrue(findings.isEmpty(), findings.toString()),
        () -> assertEquals(provider.liveCredentials().size(), 0, "credentials left")));
  }

  private record Figures(List<org.junit.jupiter.api.function.Executable> assertions) {}

  private static String seconds(Duration d) {
    return String.format("%.1f", d.toMillis() / 1000.0);
  }
}
