package dev.dynsecret.jdbc;

import static dev.dynsecret.jdbc.Leases.T0;
import static dev.dynsecret.jdbc.Leases.active;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynsecret.ConflictException;
import dev.dynsecret.InvalidRequestException;
import dev.dynsecret.spi.LeaseRecord;
import dev.dynsecret.LeaseState;
import dev.dynsecret.NotFoundException;
import dev.dynsecret.RevokeReason;
import dev.dynsecret.StoreException;
import dev.dynsecret.jdbc.internal.Dialect;
import dev.dynsecret.jdbc.internal.Schema;
import dev.dynsecret.jdbc.internal.Tables;
import dev.dynsecret.jdbc.internal.Transactions;
import dev.dynsecret.LeaseQuery;
import dev.dynsecret.Page;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import dev.dynsecret.testkit.SkewedClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TimeZone;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the JDBC store does beyond the {@code LeaseStore} contract, or in ways only a database
 * shows: exact times across time zones, schema handling, row locks, error translation. Runs on H2,
 * PostgreSQL and MariaDB.
 */
abstract class JdbcLeaseStoreBehaviour {
  protected JdbcLeaseStore store;

  /** The database under test. */
  protected abstract DataSource dataSource();

  /** A table prefix no other store in this database uses. */
  protected abstract String freshPrefix();

  protected abstract SqlDialect expectedDialect();

  /** A data source whose sessions run in time zone {@code zone}. */
  protected abstract DataSource dataSourceInTimeZone(String zone);

  @BeforeEach
  void createStore() {
    store = JdbcLeaseStore.builder(dataSource()).tablePrefix(freshPrefix()).createSchema(true).build();
  }

  @AfterEach
  void closeStore() {
    if (store != null) { // null when the database was not there to make one
      store.close();
    }
  }

  private static LeaseRecord everyField(String id) {
    return LeaseRecord.builder()
        .id(id)
        .secretName("orders-api")
        .externalId("cred-123")
        .state(LeaseState.ACTIVE)
        .createdAt(Instant.parse("2030-01-01T00:00:00.000001Z"))
        .expiresAt(Instant.parse("2030-01-01T00:10:00.123456Z"))
        .hardLimitAt(Instant.parse("2030-01-01T08:00:00Z"))
        .renewedAt(Instant.parse("2030-01-01T00:05:00.999999Z"))
        .revokedAt(Instant.parse("1969-12-31T23:59:59.500001Z"))
        .revokeReason(RevokeReason.EXPIRED)
        .revokedBy("node-7")
        .revocationAttempts(3)
        .nextAttemptAt(Instant.parse("2030-01-01T00:11:00.000100Z"))
        .lastError("transient: 503 \"busy\" — übergangsweise; try later")
        .metadata(Map.of("credentialName", "dynsecret-" + id, "quote\"key", "line\nbreak, ünïcødé"))
        .version(41)
        .dueAt(Instant.parse("2030-01-01T00:11:00.000100Z"))
        .claimedBy("node-3")
        .build();
  }

  @Test
  void detectsTheDatabaseFromTheDriver() {
    assertEquals(expectedDialect(), store.dialect());
  }

  @Test
  void readsBackEveryFieldExactly() {
    LeaseRecord full = everyField("lease-full");
    LeaseRecord sparse = LeaseRecord.builder().id("lease-sparse").secretName("s").state(LeaseState.PENDING)
        .createdAt(T0).expiresAt(T0.plusSeconds(60)).hardLimitAt(T0.plusSeconds(600)).build();

    store.insert(full);
    store.insert(sparse);

    assertEquals(full, store.find("lease-full").orElseThrow());
    assertEquals(sparse, store.find("lease-sparse").orElseThrow());
    assertTrue(store.find("no-such-lease").isEmpty());
  }

  @Test
  void keepsTheInstantWhateverTheJvmAndSessionTimeZones() throws SQLException {
    LeaseRecord lease = everyField("lease-tz");
    TimeZone original = TimeZone.getDefault();
    JdbcLeaseStore chatham;
    try {
      // Odd offsets (+12:45 / -03:30) would show any conversion through local time.
      TimeZone.setDefault(TimeZone.getTimeZone("Pacific/Chatham"));
      chatham = JdbcLeaseStore.builder(dataSourceInTimeZone("America/St_Johns"))
          .tablePrefix(store.tablePrefix()).build();
      chatham.insert(lease);
      assertEquals(lease, chatham.find(lease.id()).orElseThrow());
    } finally {
      TimeZone.setDefault(original);
    }
    assertEquals(lease, store.find(lease.id()).orElseThrow());

    // The stored value is the instant itself, whatever offset it is compared at.
    try (Connection connection = dataSource().getConnection();
        PreparedStatement same = connection.prepareStatement("SELECT COUNT(*) FROM "
            + store.tablePrefix() + "leases WHERE id = ? AND expires_at = ?")) {
      same.setString(1, lease.id());
      same.setObject(2, OffsetDateTime.ofInstant(lease.expiresAt(), ZoneOffset.ofHoursMinutes(5, 30)));
      try (ResultSet rs = same.executeQuery()) {
        rs.next();
        assertEquals(1, rs.getInt(1));
      }
    }
  }

  @Test
  void keepsTimesToTheMicrosecondAndReturnsWhatItStored() {
    Instant withNanos = Instant.parse("2030-01-01T00:00:00.123456789Z");
    LeaseRecord lease = active("lease-nanos", "s", withNanos);
    store.insert(lease);

    LeaseRecord found = store.find(lease.id()).orElseThrow();
    assertEquals(Instant.parse("2030-01-01T00:00:00.123456Z"), found.dueAt());

    LeaseRecord updated = store.update(found.toBuilder().renewedAt(withNanos.plusNanos(999)).build());
    assertEquals(updated, store.find(lease.id()).orElseThrow());
    assertEquals(Instant.parse("2030-01-01T00:00:00.123457Z"), updated.renewedAt());
  }

  @Test
  void insertingAnIdTwiceIsAConflictAndKeepsTheFirst() {
    LeaseRecord first = active("lease-1", "s", T0);
    store.insert(first);

    assertThrows(ConflictException.class,
        () -> store.insert(first.toBuilder().secretName("other").build()));
    assertEquals(first, store.find("lease-1").orElseThrow());
  }

  @Test
  void updateIsACompareAndSetOnTheVersion() {
    LeaseRecord lease = active("lease-1", "s", T0);
    store.insert(lease);

    LeaseRecord v1 = store.update(lease.toBuilder().externalId("ext-2").build());
    assertEquals(1, v1.version());
    assertEquals(v1, store.find("lease-1").orElseThrow());

    ConflictException stale = assertThrows(ConflictException.class,
        () -> store.update(lease.toBuilder().externalId("ext-3").build()));
    assertTrue(stale.getMessage().contains("stored version 1, expected 0"), stale.getMessage());
    assertEquals(v1, store.find("lease-1").orElseThrow());

    assertThrows(NotFoundException.class, () -> store.update(active("missing", "s", T0)));
  }

  @Test
  void claimsDueLeasesEarliestFirstAndOnlyThose() {
    store.insert(active("c", "s", T0.minusSeconds(10)));
    store.insert(active("a", "s", T0.minusSeconds(30)));
    store.insert(active("b", "s", T0));
    store.insert(active("later", "s", T0.plus(Duration.ofHours(1))));
    store.insert(active("done", "s", null));

    List<LeaseRecord> claimed = store.claimDue("node-1", T0, Duration.ofMinutes(2), 2);

    assertEquals(List.of("a", "c"), claimed.stream().map(LeaseRecord::id).toList());
    for (LeaseRecord lease : claimed) {
      assertAll(
          () -> assertEquals("node-1", lease.claimedBy()),
          () -> assertEquals(T0.plus(Duration.ofMinutes(2)), lease.dueAt()),
          () -> assertEquals(1, lease.version()),
          () -> assertEquals(lease, store.find(lease.id()).orElseThrow()));
    }
    assertEquals(List.of("b"), ids(store.claimDue("node-2", T0, Duration.ofMinutes(2), 10)));
    assertEquals(List.of(), store.claimDue("node-2", T0, Duration.ofMinutes(2), 10));

    // A claim nobody releases becomes due again at its deadline, and another node takes it.
    List<LeaseRecord> takenOver = store.claimDue("node-2", T0.plus(Duration.ofMinutes(2)),
        Duration.ofMinutes(2), 10);
    assertEquals(List.of("a", "b", "c"), ids(takenOver).stream().sorted().toList());
    assertTrue(takenOver.stream().allMatch(l -> l.claimedBy().equals("node-2")));
    assertEquals(2, store.find("a").orElseThrow().version());
    assertEquals(T0.plus(Duration.ofHours(1)), store.find("later").orElseThrow().dueAt());
  }

  @Test
  void claimingSkipsRowsAnotherTransactionHoldsInsteadOfWaiting() throws Exception {
    store.insert(active("held", "s", T0.minusSeconds(20)));
    store.insert(active("free-1", "s", T0.minusSeconds(10)));
    store.insert(active("free-2", "s", T0));
    ExecutorService other = Executors.newSingleThreadExecutor();
    try (Connection holder = dataSource().getConnection()) {
      holder.setAutoCommit(false);
      try (Statement lock = holder.createStatement()) {
        lock.executeQuery("SELECT id FROM " + store.tablePrefix() + "leases WHERE id = 'held' FOR UPDATE")
            .close();
      }
      // Runs while the row lock is held: it must come back without "held", not wait for it.
      Future<List<LeaseRecord>> claim =
          other.submit(() -> store.claimDue("node-1", T0, Duration.ofMinutes(1), 10));
      assertEquals(List.of("free-1", "free-2"), ids(claim.get(30, TimeUnit.SECONDS)));
      holder.rollback();
    } finally {
      other.shutdownNow();
    }
    assertEquals(List.of("held"), ids(store.claimDue("node-1", T0, Duration.ofMinutes(1), 10)));
  }

  @Test
  void concurrentClaimersNeverClaimTheSameLease() throws Exception {
    int leases = 300;
    for (int i = 0; i < leases; i++) {
      store.insert(active(String.format("lease-%04d", i), "s", T0.minusSeconds(i % 17)));
    }
    int threads = 6;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
    List<Future<List<String>>> results = new ArrayList<>();
    try {
      for (int t = 0; t < threads; t++) {
        String node = "node-" + t;
        results.add(pool.submit(() -> {
          start.await();
          List<String> mine = new ArrayList<>();
          List<LeaseRecord> batch;
          do {
            batch = store.claimDue(node, T0, Duration.ofMinutes(5), 20);
            mine.addAll(ids(batch));
          } while (!batch.isEmpty());
          return mine;
        }));
      }
      start.countDown();
      List<String> all = new ArrayList<>();
      for (Future<List<String>> result : results) {
        all.addAll(result.get(60, TimeUnit.SECONDS));
      }
      assertEquals(leases, all.size(), "claims in all");
      assertEquals(leases, Set.copyOf(all).size(), "distinct leases claimed");
      assertEquals(List.of(), store.claimDue("late", T0, Duration.ofMinutes(5), 20));
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * The engine stops claiming when a batch comes back short, taking that to mean nothing more is
   * due; so claimers running at once must each get a full batch while enough leases are due.
   */
  @Test
  void concurrentClaimersEachGetAFullBatchWhileEnoughIsDue() throws Exception {
    int threads = 8;
    int batch = 25;
    for (int i = 0; i < threads * batch * 3; i++) {
      store.insert(active(String.format("lease-%04d", i), "s", T0.minusSeconds(i % 7)));
    }
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (int round = 0; round < 3; round++) {
        java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(threads);
        List<Future<List<LeaseRecord>>> claims = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          String node = "node-" + t;
          claims.add(pool.submit(() -> {
            start.await(30, TimeUnit.SECONDS);
            return store.claimDue(node, T0, Duration.ofMinutes(5), batch);
          }));
        }
        Set<String> claimedThisRound = new java.util.HashSet<>();
        for (Future<List<LeaseRecord>> claim : claims) {
          List<LeaseRecord> got = claim.get(60, TimeUnit.SECONDS);
          assertEquals(batch, got.size(), "batch size in round " + round);
          claimedThisRound.addAll(ids(got));
        }
        assertEquals(threads * batch, claimedThisRound.size(), "distinct leases in round " + round);
      }
      assertEquals(List.of(), store.claimDue("late", T0, Duration.ofMinutes(5), batch));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void pagesInJavaStringOrderOfIdsWhateverTheDatabaseCollation() {
    // Mixed case and punctuation: a locale-aware collation would order these differently.
    List<String> ids = new ArrayList<>(List.of("b-2", "B1", "a_1", "a-1", "a.1", "A-2", "a1",
        "Z", "z", "0-9", "09", "_x", "-x", "a-10", "a-2"));
    for (int i = 0; i < ids.size(); i++) {
      store.insert(active(ids.get(i), i % 3 == 0 ? "other" : "mine", T0));
    }
    ids.sort(Comparator.naturalOrder());

    List<String> seen = new ArrayList<>();
    LeaseQuery query = LeaseQuery.all(4);
    Page<LeaseRecord> page;
    do {
      page = store.query(query);
      assertTrue(page.items().size() <= 4);
      seen.addAll(ids(page.items()));
      query = query.after(page.nextCursor());
    } while (page.hasNext());

    assertEquals(ids, seen);
  }

  @Test
  void filtersPagesBySecretAndState() {
    for (int i = 0; i < 12; i++) {
      LeaseRecord lease = active(String.format("lease-%02d", i), i < 8 ? "mine" : "other", T0);
      store.insert(i % 2 == 0 ? lease : lease.toBuilder().state(LeaseState.REVOKED).build());
    }
    LeaseQuery activeOfMine = LeaseQuery.bySecret("mine", 3).withStates(Set.of(LeaseState.ACTIVE));

    Page<LeaseRecord> first = store.query(activeOfMine);
    Page<LeaseRecord> second = store.query(activeOfMine.after(first.nextCursor()));

    assertEquals(List.of("lease-00", "lease-02", "lease-04"), ids(first.items()));
    assertEquals("lease-04", first.nextCursor());
    assertEquals(List.of("lease-06"), ids(second.items()));
    assertFalse(second.hasNext());
    assertEquals(List.of("lease-08", "lease-09", "lease-10", "lease-11"),
        ids(store.query(LeaseQuery.bySecret("other", 10)).items()));
  }

  @Test
  void countsBySecretAndState() {
    store.insert(active("a", "mine", T0));
    store.insert(active("b", "mine", T0).toBuilder().state(LeaseState.PENDING).build());
    store.insert(active("c", "mine", T0).toBuilder().state(LeaseState.REVOKED).build());
    store.insert(active("d", "other", T0));

    assertEquals(2, store.count("mine", EnumSet.of(LeaseState.PENDING, LeaseState.ACTIVE)));
    assertEquals(1, store.count("mine", EnumSet.of(LeaseState.REVOKED)));
    assertEquals(1, store.count("other", EnumSet.of(LeaseState.ACTIVE)));
    assertEquals(0, store.count("nobody", EnumSet.of(LeaseState.ACTIVE)));
    assertEquals(0, store.count("mine", Set.of()), "an empty set of states counts nothing");
  }

  @Test
  void purgesOnlyRevokedLeasesRevokedBeforeTheCutoffAtMostLimitAtATime() {
    for (int i = 0; i < 5; i++) {
      store.insert(revoked("old-" + i, T0.minusSeconds(100 + i)));
    }
    store.insert(revoked("recent", T0));
    store.insert(active("live", "s", T0).toBuilder().revokedAt(T0.minusSeconds(500)).build());
    store.insert(revoked("failed", T0.minusSeconds(500)).toBuilder()
        .state(LeaseState.REVOCATION_FAILED).build());

    assertEquals(3, store.purgeRevokedBefore(T0, 3));
    assertEquals(2, store.purgeRevokedBefore(T0, 3));
    assertEquals(0, store.purgeRevokedBefore(T0, 3));

    assertEquals(List.of("failed", "live", "recent"), ids(store.query(LeaseQuery.all(10)).items()));
  }

  private static LeaseRecord revoked(String id, Instant revokedAt) {
    return active(id, "s", null).toBuilder().state(LeaseState.REVOKED)
        .revokeReason(RevokeReason.MANUAL).revokedAt(revokedAt).build();
  }

  @Test
  void rejectsTextTooLongForItsColumnNamingTheField() {
    InvalidRequestException e = assertThrows(InvalidRequestException.class,
        () -> store.insert(active("x".repeat(129), "s", T0)));
    assertEquals("id", e.field());
    InvalidRequestException node = assertThrows(InvalidRequestException.class,
        () -> store.claimDue("n".repeat(129), T0, Duration.ofMinutes(1), 1));
    assertEquals("nodeId", node.field());
  }

  // ---------------------------------------------------------------- schema

  @Test
  void aMissingSchemaIsAnErrorSayingHowToCreateIt() {
    String prefix = freshPrefix();
    StoreException e = assertThrows(StoreException.class,
        () -> JdbcLeaseStore.builder(dataSource()).tablePrefix(prefix).build());

    assertTrue(e.getMessage().contains("table " + prefix + "schema_version does not exist"), e.getMessage());
    assertTrue(e.getMessage().contains("createSchema(true)"), e.getMessage());
    assertTrue(e.getMessage().contains(expectedDialect().schemaResourceDirectory() + "/V1__leases.sql"),
        e.getMessage());
  }

  @Test
  void creatingTheSchemaTwiceKeepsWhatIsStored() {
    store.insert(active("kept", "s", T0));

    JdbcLeaseStore again = JdbcLeaseStore.builder(dataSource()).tablePrefix(store.tablePrefix())
        .createSchema(true).build();

    assertEquals(active("kept", "s", T0), again.find("kept").orElseThrow());
  }

  @Test
  void refusesASchemaNewerThanItKnows() throws SQLException {
    int future = Schema.CURRENT_VERSION + 1;
    execute("INSERT INTO " + store.tablePrefix() + "schema_version (version, description, installed_at)"
        + " VALUES (" + future + ", 'from the future', CURRENT_TIMESTAMP)");

    for (boolean create : new boolean[] {false, true}) {
      StoreException e = assertThrows(StoreException.class, () -> JdbcLeaseStore
          .builder(dataSource()).tablePrefix(store.tablePrefix()).createSchema(create).build());
      assertTrue(e.getMessage().contains("version " + future + ", newer than version "
          + Schema.CURRENT_VERSION), e.getMessage());
    }
  }

  /**
   * A database made by the first release (schema version 1, before the lease limit locks): the
   * store refuses it until asked to upgrade, saying which script is missing, then upgrades it in
   * place and keeps every lease.
   */
  @Test
  void aVersion1SchemaIsUpgradedInPlaceKeepingItsLeases() throws SQLException {
    String prefix = store.tablePrefix();
    store.insert(active("from-v1", "s", T0));
    // Back to what version 1 made: version 2 only added the lock table.
    execute("DROP TABLE " + prefix + "secret_locks");
    execute("DELETE FROM " + prefix + "schema_version WHERE version = 2");

    StoreException refused = assertThrows(StoreException.class,
        () -> JdbcLeaseStore.builder(dataSource()).tablePrefix(prefix).build());
    assertTrue(refused.getMessage().contains("at version 1, older than version 2"),
        refused.getMessage());
    assertTrue(refused.getMessage().contains(expectedDialect().schemaResourceDirectory()
        + "/V2__lease_limit_locks.sql"), refused.getMessage());

    JdbcLeaseStore upgraded = JdbcLeaseStore.builder(dataSource()).tablePrefix(prefix)
        .createSchema(true).build();

    assertEquals(active("from-v1", "s", T0), upgraded.find("from-v1").orElseThrow());
    Set<LeaseState> live = EnumSet.of(LeaseState.ACTIVE, LeaseState.PENDING);
    assertFalse(upgraded.insertWithinLimit(active("over", "s", T0), live, 1), "limit of 1 is full");
    assertTrue(upgraded.insertWithinLimit(active("within", "s", T0), live, 2), "room for a second");
    assertEquals(Schema.CURRENT_VERSION, new Schema(Dialect.of(expectedDialect()),
        new Tables(prefix), new Transactions(dataSource())).installedVersion());
  }

  @Test
  void aLimitedCreateMakesTheLockRowAgainIfADbaDeletedIt() throws SQLException {
    Set<LeaseState> live = EnumSet.of(LeaseState.ACTIVE);
    assertTrue(store.insertWithinLimit(active("first", "s", T0), live, 2));
    execute("DELETE FROM " + store.tablePrefix() + "secret_locks");

    assertTrue(store.insertWithinLimit(active("second", "s", T0), live, 2));
    assertFalse(store.insertWithinLimit(active("third", "s", T0), live, 2));
    assertEquals(2, store.count("s", live));
  }

  @Test
  void refusesALeaseTableItDidNotCreate() throws SQLException {
    String prefix = freshPrefix();
    execute("CREATE TABLE " + prefix + "leases (id VARCHAR(10))");

    StoreException e = assertThrows(StoreException.class,
        () -> JdbcLeaseStore.builder(dataSource()).tablePrefix(prefix).createSchema(true).build());
    assertTrue(e.getMessage().contains("not made by dynsecret"), e.getMessage());
  }

  @Test
  void theSchemaScriptIsReadableSqlWithThePrefixFilledIn() {
    String sql = JdbcLeaseStore.schemaSql(expectedDialect(), "acme_");

    assertTrue(sql.matches("(?s).*CREATE TABLE (IF NOT EXISTS )?acme_leases \\(.*"), sql);
    // A separate CREATE INDEX (H2, PostgreSQL) or an index in the CREATE TABLE (MariaDB, MySQL).
    assertTrue(sql.matches("(?s).*(CREATE )?INDEX acme_leases_due_idx (ON acme_leases )?\\(due_at\\).*"),
        sql);
    assertFalse(sql.contains("${prefix}"), sql);
  }

  @Test
  void tablePrefixMustBeAPlainLowercaseIdentifier() {
    for (String bad : new String[] {"", "1abc", "Dyn_", "a-b", "x; DROP TABLE users; --",
        "a".repeat(32), "dyn secret"}) {
      InvalidRequestException e = assertThrows(InvalidRequestException.class,
          () -> JdbcLeaseStore.builder(dataSource()).tablePrefix(bad).createSchema(true).build(),
          bad);
      assertEquals("tablePrefix", e.field());
    }
    assertThrows(InvalidRequestException.class,
        () -> JdbcLeaseStore.builder(dataSource()).tablePrefix(null).build());
  }

  @Test
  void anUnsupportedDatabaseIsNamedWithTheSupportedOnes() {
    DataSource derby = reportingProduct(dataSource(), "Apache Derby");

    InvalidRequestException e = assertThrows(InvalidRequestException.class,
        () -> JdbcLeaseStore.builder(derby).tablePrefix(freshPrefix()).createSchema(true).build());

    assertEquals("dataSource", e.field());
    assertTrue(e.getMessage().contains("'Apache Derby'"), e.getMessage());
    assertTrue(e.getMessage().contains("H2, PostgreSQL"), e.getMessage());
    // An explicit dialect skips the detection.
    JdbcLeaseStore explicit = JdbcLeaseStore.builder(derby).dialect(expectedDialect())
        .tablePrefix(store.tablePrefix()).build();
    assertEquals(expectedDialect(), explicit.dialect());
  }

  @Test
  void databaseFailuresBecomeStoreExceptionsNamingTheOperation() throws SQLException {
    store.insert(active("lease-1", "s", T0));
    execute("DROP TABLE " + store.tablePrefix() + "leases");

    StoreException find = assertThrows(StoreException.class, () -> store.find("lease-1"));
    assertTrue(find.getMessage().startsWith("lease store: reading lease lease-1 failed: "),
        find.getMessage());
    StoreException claim = assertThrows(StoreException.class,
        () -> store.claimDue("node-9", T0, Duration.ofMinutes(1), 5));
    assertTrue(claim.getMessage().startsWith("lease store: claiming due leases for node-9 failed"),
        claim.getMessage());
    assertTrue(claim.getCause() instanceof SQLException);
  }

  // ---------------------------------------------------------------- helpers

  protected void execute(String sql) throws SQLException {
    try (Connection connection = dataSource().getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  static List<String> ids(List<LeaseRecord> leases) {
    return leases.stream().map(LeaseRecord::id).toList();
  }

  // ------------------------------------------------------------------ the database's clock

  /** Slack for one measurement's round trip on a loaded machine; the offsets tested are minutes. */
  private static final Duration ROUND_TRIP_SLACK = Duration.ofMillis(250);

  private void assertReadsTheDatabasesTime(Clock node, String what) {
    Instant before = store.databaseTime();
    Instant read = node.instant();
    Instant after = store.databaseTime();
    assertTrue(!read.isBefore(before.minus(ROUND_TRIP_SLACK))
        && !read.isAfter(after.plus(ROUND_TRIP_SLACK)),
        what + ": read " + read + ", the database said " + before + " .. " + after);
  }

  @Test
  void nodesWhoseClocksDisagreeByMinutesAllDecideByTheDatabasesTime() {
    for (Duration skew : List.of(Duration.ofSeconds(60), Duration.ZERO, Duration.ofSeconds(-60))) {
      SkewedClock local = SkewedClock.by(skew);
      Clock node = store.clock(local);
      assertReadsTheDatabasesTime(node, "node off by " + skew);
      assertReadsTheDatabasesTime(node, "node off by " + skew + ", read again");
    }
  }

  @Test
  void aNodeClockThatJumpsIsMeasuredAgainBeforeItsTimeIsUsed() {
    SkewedClock local = SkewedClock.by(Duration.ZERO);
    Clock node = store.clock(local);
    assertReadsTheDatabasesTime(node, "before the jump");

    local.jump(Duration.ofMinutes(10));
    assertReadsTheDatabasesTime(node, "after jumping 10 min forward");
    local.jump(Duration.ofMinutes(-20));
    assertReadsTheDatabasesTime(node, "after jumping 20 min back");
  }

  @Test
  void whenTheDatabaseIsAwayAJumpedClockIsNotBelievedAndNothingIsThrown() {
    AtomicBoolean away = new AtomicBoolean();
    JdbcLeaseStore switchable = JdbcLeaseStore.builder(goingAway(dataSource(), away))
        .tablePrefix(store.tablePrefix()).build();
    SkewedClock local = SkewedClock.by(Duration.ZERO);
    Clock node = switchable.clock(local);
    Instant measured = node.instant();

    away.set(true);
    local.jump(Duration.ofMinutes(10));
    Instant afterJump = node.instant();

    Duration moved = Duration.between(measured, afterJump);
    assertFalse(moved.isNegative(), "went back: " + moved);
    assertTrue(moved.compareTo(Duration.ofMinutes(1)) < 0,
        "carried on by the monotonic clock, not the jumped one: moved " + moved);
  }

  @Test
  void aClockReadBeforeTheDatabaseEverAnsweredIsTheNodesOwn() {
    AtomicBoolean away = new AtomicBoolean();
    JdbcLeaseStore switchable = JdbcLeaseStore.builder(goingAway(dataSource(), away))
        .tablePrefix(store.tablePrefix()).build();
    away.set(true);
    SkewedClock local = SkewedClock.by(Duration.ofMinutes(3));
    Instant read = switchable.clock(local).instant();
    Duration fromLocal = Duration.between(read, local.instant()).abs();
    assertTrue(fromLocal.compareTo(Duration.ofSeconds(1)) < 0, "read " + read);
  }

  @Test
  void withoutTheDatabasesClockTheNodeDecidesByItsOwn() {
    JdbcLeaseStore own = JdbcLeaseStore.builder(dataSource()).tablePrefix(store.tablePrefix())
        .useDatabaseClock(false).build();
    SkewedClock local = SkewedClock.by(Duration.ofMinutes(3));
    assertSame(local, own.clock(local));
  }

  @Test
  void negativeTimeoutsAreRefusedNamingTheSetting() {
    InvalidRequestException query = assertThrows(InvalidRequestException.class,
        () -> JdbcLeaseStore.builder(dataSource()).queryTimeout(Duration.ofSeconds(-1)));
    assertEquals("queryTimeout", query.field());
    InvalidRequestException network = assertThrows(InvalidRequestException.class,
        () -> JdbcLeaseStore.builder(dataSource()).networkTimeout(null));
    assertEquals("networkTimeout", network.field());
  }

  // ------------------------------------------------------- a claim whose commit is in doubt

  @Test
  void aClaimWhoseCommitAnswerWasLostIsHandedBackByTheNextClaimNotAfterTheTimeout() {
    store.insert(active("a", "s", T0));
    AtomicReference<String> commits = new AtomicReference<>("answer");
    JdbcLeaseStore lossy = JdbcLeaseStore.builder(committing(dataSource(), commits))
        .tablePrefix(store.tablePrefix()).build();
    commits.set("lose the answer");

    assertThrows(StoreException.class,
        () -> lossy.claimDue("node-1", T0, Duration.ofMinutes(2), 10));
    assertEquals("node-1", store.find("a").orElseThrow().claimedBy(), "the claim took effect");

    commits.set("answer");
    List<LeaseRecord> again = lossy.claimDue("node-1", T0.plusSeconds(1), Duration.ofMinutes(2), 10);

    assertEquals(List.of("a"), ids(again), "handed back and claimed afresh, 2 min early");
    assertEquals(T0.plusSeconds(1).plus(Duration.ofMinutes(2)), again.get(0).dueAt());
    assertEquals(again.get(0), store.find("a").orElseThrow());
  }

  @Test
  void aClaimThatWasRolledBackLeavesAnotherNodesLaterClaimAlone() {
    store.insert(active("a", "s", T0));
    AtomicReference<String> commits = new AtomicReference<>("answer");
    JdbcLeaseStore lossy = JdbcLeaseStore.builder(committing(dataSource(), commits))
        .tablePrefix(store.tablePrefix()).build();
    commits.set("fail");

    assertThrows(StoreException.class,
        () -> lossy.claimDue("node-1", T0, Duration.ofMinutes(2), 10));
    List<LeaseRecord> other = store.claimDue("node-2", T0, Duration.ofMinutes(2), 10);
    assertEquals(List.of("a"), ids(other));

    commits.set("answer");
    assertEquals(List.of(), lossy.claimDue("node-1", T0.plusSeconds(1), Duration.ofMinutes(2), 10));
    assertEquals(other.get(0), store.find("a").orElseThrow(), "node-2's claim stands");
  }

  /**
   * A data source whose commits, while {@code mode} says so, fail before reaching the database
   * ("fail") or take effect with their answer lost ("lose the answer").
   */
  private static DataSource committing(DataSource real, AtomicReference<String> mode) {
    return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(),
        new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
          Object result = invoke(real, method, args);
          if (!(result instanceof Connection connection)) {
            return result;
          }
          return Proxy.newProxyInstance(Connection.class.getClassLoader(),
              new Class<?>[] {Connection.class}, (p, m, a) -> {
                if (m.getName().equals("commit") && mode.get().equals("fail")) {
                  throw new SQLException("connection reset (simulated)", "08006");
                }
                Object r = invoke(connection, m, a);
                if (m.getName().equals("commit") && mode.get().equals("lose the answer")) {
                  throw new SQLException("connection lost after the commit (simulated)", "08006");
                }
                return r;
              });
        });
  }

  /** A data source that refuses connections while {@code away} is set. */
  private static DataSource goingAway(DataSource real, AtomicBoolean away) {
    return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(),
        new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
          if (method.getName().equals("getConnection") && away.get()) {
            throw new SQLException("connection refused (simulated)", "08001");
          }
          return invoke(real, method, args);
        });
  }

  /** A data source whose driver claims to be another database; everything else is real. */
  static DataSource reportingProduct(DataSource real, String product) {
    return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(),
        new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
          Object result = invoke(real, method, args);
          if (result instanceof Connection connection) {
            return Proxy.newProxyInstance(Connection.class.getClassLoader(),
                new Class<?>[] {Connection.class}, (p, m, a) -> {
                  Object r = invoke(connection, m, a);
                  if (r instanceof DatabaseMetaData meta) {
                    return Proxy.newProxyInstance(DatabaseMetaData.class.getClassLoader(),
                        new Class<?>[] {DatabaseMetaData.class}, (p2, m2, a2) ->
                            m2.getName().equals("getDatabaseProductName") ? product : invoke(meta, m2, a2));
                  }
                  return r;
                });
          }
          return result;
        });
  }

  private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args)
      throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (java.lang.reflect.InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
