package dev.dynsecret.testkit;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.dynsecret.ConflictException;
import dev.dynsecret.InvalidRequestException;
import dev.dynsecret.spi.LeaseRecord;
import dev.dynsecret.LeaseState;
import dev.dynsecret.NotFoundException;
import dev.dynsecret.RevokeReason;
import dev.dynsecret.LeaseQuery;
import dev.dynsecret.spi.LeaseStore;
import dev.dynsecret.Page;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link LeaseStore} must have. A store implementation proves itself by
 * extending this class in its tests and supplying {@link #newStore()}:
 *
 * <pre>{@code
 * class MyLeaseStoreTest extends LeaseStoreContract {
 *   @Override
 *   protected LeaseStore newStore() {
 *     return new MyLeaseStore(freshEmptyDatabase());
 *   }
 * }
 * }</pre>
 *
 * <p>Each test gets a fresh, empty store and closes it afterwards. The tests use real threads
 * where the contract is about concurrency (claim exclusivity, compare-and-set), and fixed instants
 * everywhere else: nothing sleeps.
 *
 * <p><b>Time precision.</b> A store must keep instants to at least the microsecond; it may round or
 * truncate below that (SQL {@code TIMESTAMP} columns hold microseconds). So every instant these
 * tests store is a whole number of microseconds, except in the one test that checks the precision
 * itself. LeaseRecord ids look like the engine's: time-ordered UUIDv7 strings.
 */
public abstract class LeaseStoreContract {

  /** The "current time" of the tests: microsecond precision, so every store can hold it exactly. */
  private static final Instant NOW = Instant.parse("2031-05-06T07:08:09.123456Z");

  private static final Duration CLAIM_TIMEOUT = Duration.ofMinutes(5);
  private static final Set<LeaseState> ALL_STATES = EnumSet.allOf(LeaseState.class);

  private LeaseStore store;
  private final Random random = new Random(20310506L);
  private long idMillis = NOW.minus(Duration.ofDays(1)).toEpochMilli();

  /**
   * A new, empty store for one test. The contract closes it when the test ends.
   *
   * @return the store under test
   */
  protected abstract LeaseStore newStore();

  @BeforeEach
  final void openStore() {
    store = newStore();
  }

  @AfterEach
  final void closeStore() {
    if (store != null) {
      store.close();
    }
  }

  // ======================================================================== insert and find

  @Test
  void aLeaseWithEveryFieldSetIsFoundExactlyAsInserted() {
    String id = newLeaseId();
    LeaseRecord lease = LeaseRecord.builder()
        .id(id)
        .secretName("orders-api")
        .externalId("5f0e6c1a-3b2d-4e8f-9a71-c2d4e6f8a0b1")
        .state(LeaseState.REVOCATION_FAILED)
        .createdAt(NOW.minus(Duration.ofHours(2)))
        .expiresAt(NOW.plus(Duration.ofHours(1)).plusNanos(1_000))
        .hardLimitAt(NOW.plus(Duration.ofDays(30)))
        .renewedAt(NOW.minus(Duration.ofMinutes(59)).plusNanos(999_000))
        .revokedAt(NOW.minusNanos(1_000))
        .revokeReason(RevokeReason.SECRET_REMOVED)
        .revokedBy("node-b")
        .revocationAttempts(7)
        .nextAttemptAt(NOW.plusSeconds(30))
        // The engine caps errors at 1,000 characters plus an ellipsis; stores must hold that.
        .lastError(longError())
        .metadata(Map.of(
            "credentialName", "dynsecret-" + id,
            "appId", "8d2f4c6e-0a1b-4c3d-9e5f-7a8b9c0d1e2f",
            "note", "naïve café"))
        .version(41)
        .dueAt(NOW.plus(Duration.ofMinutes(10)))
        .claimedBy("node-a")
        .build();

    store.insert(lease);

    assertLease(lease, found(id));
  }

  @Test
  void aLeaseWithOnlyRequiredFieldsIsFoundWithNullsAndEmptyMetadata() {
    LeaseRecord lease = LeaseRecord.builder()
        .id(newLeaseId())
        .secretName("orders-api")
        .state(LeaseState.PENDING)
        .createdAt(NOW)
        .expiresAt(NOW.plus(Duration.ofHours(1)))
        .hardLimitAt(NOW.plus(Duration.ofHours(8)))
        .build();

    store.insert(lease);

    LeaseRecord found = found(lease.id());
    assertLease(lease, found);
    assertAll(
        () -> assertNull(found.externalId(), "externalId"),
        () -> assertNull(found.renewedAt(), "renewedAt"),
        () -> assertNull(found.revokedAt(), "revokedAt"),
        () -> assertNull(found.revokeReason(), "revokeReason"),
        () -> assertNull(found.revokedBy(), "revokedBy"),
        () -> assertNull(found.nextAttemptAt(), "nextAttemptAt"),
        () -> assertNull(found.lastError(), "lastError"),
        () -> assertNull(found.dueAt(), "dueAt"),
        () -> assertNull(found.claimedBy(), "claimedBy"),
        () -> assertEquals(Map.of(), found.metadata(), "metadata"),
        () -> assertEquals(0, found.version(), "version"));
  }

  @Test
  void everyStateAndRevokeReasonRoundTrips() {
    List<LeaseRecord> leases = new ArrayList<>();
    for (LeaseState state : LeaseState.values()) {
      leases.add(lease("orders-api", state).build());
    }
    for (RevokeReason reason : RevokeReason.values()) {
      leases.add(lease("orders-api", LeaseState.REVOKED).revokeReason(reason).revokedAt(NOW)
          .build());
    }
    leases.forEach(store::insert);

    for (LeaseRecord lease : leases) {
      assertLease(lease, found(lease.id()));
    }
  }

  /** Stores may round or truncate below the microsecond, never coarser. */
  @Test
  void instantsKeepAtLeastMicrosecondPrecision() {
    Instant precise = Instant.parse("2031-05-06T07:08:09.123456789Z");
    LeaseRecord lease = lease("orders-api", LeaseState.ACTIVE)
        .createdAt(precise)
        .expiresAt(precise.plusNanos(1_001))
        .dueAt(precise.plusNanos(2_002))
        .build();

    store.insert(lease);

    LeaseRecord found = found(lease.id());
    assertAll(
        () -> assertWithinOneMicro(lease.createdAt(), found.createdAt(), "createdAt"),
        () -> assertWithinOneMicro(lease.expiresAt(), found.expiresAt(), "expiresAt"),
        () -> assertWithinOneMicro(lease.dueAt(), found.dueAt(), "dueAt"));
  }

  @Test
  void findingAnUnknownIdFindsNothing() {
    store.insert(lease("orders-api", LeaseState.ACTIVE).build());

    assertEquals(Optional.empty(), store.find(newLeaseId()));
  }

  @Test
  void insertingAnIdTwiceConflictsAndKeepsTheStoredLease() {
    LeaseRecord original = lease("orders-api", LeaseState.ACTIVE).externalId("first").build();
    store.insert(original);
    LeaseRecord impostor = original.toBuilder()
        .secretName("billing-api").externalId("second").state(LeaseState.REVOKED).revokedAt(NOW)
        .build();

    assertThrows(ConflictException.class, () -> store.insert(impostor));

    assertLease(original, found(original.id()));
    assertEquals(1, store.count("orders-api", ALL_STATES));
    assertEquals(0, store.count("billing-api", ALL_STATES));
  }

  // ================================================================= update (compare-and-set)

  @Test
  void updateStoresTheChangeWithTheVersionIncremented() {
    LeaseRecord pending = lease("orders-api", LeaseState.PENDING).version(0).build();
    store.insert(pending);
    LeaseRecord active = pending.toBuilder()
        .state(LeaseState.ACTIVE)
        .externalId("cred-1")
        .metadata(Map.of("credentialName", "dynsecret-" + pending.id()))
        .dueAt(pending.expiresAt())
        .build();

    LeaseRecord returned = store.update(active);

    LeaseRecord expected = active.toBuilder().version(1).build();
    assertLease(expected, returned);
    assertLease(expected, found(pending.id()));

    LeaseRecord renewed = store.update(returned.toBuilder().renewedAt(NOW).build());
    assertEquals(2, renewed.version());
    assertLease(renewed, found(pending.id()));
  }

  @Test
  void updateCanClearOptionalFields() {
    LeaseRecord claimed = lease("orders-api", LeaseState.ACTIVE)
        .revokeReason(RevokeReason.MANUAL)
        .lastError("transient: timeout")
        .nextAttemptAt(NOW)
        .metadata(Map.of("credentialName", "x"))
        .claimedBy("node-a")
        .dueAt(NOW)
        .build();
    store.insert(claimed);

    LeaseRecord cleared = claimed.toBuilder()
        .revokeReason(null).lastError(null).nextAttemptAt(null).metadata(Map.of())
        .claimedBy(null).dueAt(null)
        .build();
    store.update(cleared);

    assertLease(cleared.toBuilder().version(claimed.version() + 1).build(), found(claimed.id()));
  }

  @Test
  void updateWithAStaleVersionConflictsAndChangesNothing() {
    LeaseRecord original = lease("orders-api", LeaseState.ACTIVE).build();
    store.insert(original);
    LeaseRecord renewed = store.update(original.toBuilder().renewedAt(NOW).build());

    LeaseRecord stale = original.toBuilder()
        .state(LeaseState.REVOKED).revokedAt(NOW).revokeReason(RevokeReason.MANUAL).build();
    assertThrows(ConflictException.class, () -> store.update(stale));

    assertLease(renewed, found(original.id()));
    assertEquals(0, store.count("orders-api", Set.of(LeaseState.REVOKED)));
  }

  @Test
  void updateWithAVersionAheadOfTheStoredOneConflicts() {
    LeaseRecord original = lease("orders-api", LeaseState.ACTIVE).version(3).build();
    store.insert(original);

    assertThrows(ConflictException.class,
        () -> store.update(original.toBuilder().version(4).renewedAt(NOW).build()));

    assertLease(original, found(original.id()));
  }

  @Test
  void updatingAnUnknownLeaseIsNotFoundAndStoresNothing() {
    LeaseRecord neverInserted = lease("orders-api", LeaseState.ACTIVE).build();

    assertThrows(NotFoundException.class, () -> store.update(neverInserted));

    assertEquals(Optional.empty(), store.find(neverInserted.id()));
  }

  @Test
  void ofConcurrentUpdatesFromTheSameVersionExactlyOneWins() throws Exception {
    LeaseRecord original = lease("orders-api", LeaseState.ACTIVE).build();
    store.insert(original);

    List<Callable<Optional<LeaseRecord>>> writers = new ArrayList<>();
    for (int w = 0; w < 8; w++) {
      String node = "node-" + w;
      writers.add(() -> {
        try {
          return Optional.of(store.update(original.toBuilder().claimedBy(node).build()));
        } catch (ConflictException lost) {
          return Optional.empty();
        }
      });
    }
    List<LeaseRecord> winners = runTogether(writers).stream().flatMap(Optional::stream).toList();

    assertEquals(1, winners.size(), "writers whose update succeeded");
    assertEquals(1, winners.get(0).version());
    assertLease(winners.get(0), found(original.id()));
  }

  /**
   * Writers that read, change and write back, retrying on conflict, lose no update: the classic
   * read-modify-write race, run often enough on one lease to expose a non-atomic compare-and-set.
   */
  @Test
  void readModifyWriteLoopsOnOneLeaseLoseNoUpdate() throws Exception {
    LeaseRecord original = lease("orders-api", LeaseState.ACTIVE).revocationAttempts(0).build();
    store.insert(original);
    int writers = 8;
    int incrementsEach = 100;

    List<Callable<Integer>> tasks = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      tasks.add(() -> {
        int conflicts = 0;
        for (int i = 0; i < incrementsEach; i++) {
          while (true) {
            LeaseRecord current = found(original.id());
            try {
              store.update(current.toBuilder()
                  .revocationAttempts(current.revocationAttempts() + 1).build());
              break;
            } catch (ConflictException lost) {
              if (++conflicts > 100_000) {
                throw new AssertionError("every update conflicts", lost);
              }
            }
          }
        }
        return conflicts;
      });
    }
    runTogether(tasks);

    LeaseRecord stored = found(original.id());
    assertEquals(writers * incrementsEach, stored.revocationAttempts(), "increments kept");
    assertEquals(writers * incrementsEach, stored.version(), "version");
  }

  // ======================================================================== query

  @Test
  void queryBySecretPagesThroughItsLeasesInIdOrderWithoutGapsOrDuplicates() {
    List<LeaseRecord> orders = mixedLeases("orders-api", 230);
    insertShuffled(orders, mixedLeases("billing-api", 70));

    List<Page<LeaseRecord>> pages = readAllPages(LeaseQuery.bySecret("orders-api", 25));

    assertPages(sortedById(orders), pages, 25);
  }

  @Test
  void queryByStatesPagesThroughMatchingLeasesOfEverySecret() {
    List<LeaseRecord> all = insertShuffled(
        mixedLeases("orders-api", 150), mixedLeases("billing-api", 150));
    Set<LeaseState> unfinished = EnumSet.of(LeaseState.PENDING, LeaseState.REVOCATION_FAILED);

    List<Page<LeaseRecord>> pages = readAllPages(LeaseQuery.all(19).withStates(unfinished));

    assertPages(sortedById(filter(all, l -> unfinished.contains(l.state()))), pages, 19);
  }

  @Test
  void queryBySecretAndStatesReturnsOnlyLeasesMatchingBoth() {
    List<LeaseRecord> all = insertShuffled(
        mixedLeases("orders-api", 200), mixedLeases("billing-api", 200));
    Set<LeaseState> states = EnumSet.of(LeaseState.ACTIVE, LeaseState.REVOKED);

    List<Page<LeaseRecord>> pages = readAllPages(LeaseQuery.bySecret("billing-api", 13)
        .withStates(states));

    assertPages(sortedById(filter(all,
        l -> l.secretName().equals("billing-api") && states.contains(l.state()))), pages, 13);
  }

  @Test
  void queryWithoutFiltersPagesThroughEveryLease() {
    List<LeaseRecord> all = insertShuffled(
        mixedLeases("orders-api", 120), mixedLeases("billing-api", 80));

    assertPages(sortedById(all), readAllPages(LeaseQuery.all(64)), 64);
  }

  /** A store must look ahead: a full page that ends the listing still has no next cursor. */
  @Test
  void aFullPageThatEndsTheListingHasNoNextCursor() {
    List<LeaseRecord> leases = insertShuffled(mixedLeases("orders-api", 30));

    List<Page<LeaseRecord>> pages = readAllPages(LeaseQuery.bySecret("orders-api", 10));

    assertEquals(3, pages.size(), "pages");
    assertPages(sortedById(leases), pages, 10);
  }

  @Test
  void aQueryMatchingNothingReturnsOneEmptyLastPage() {
    insertShuffled(mixedLeases("orders-api", 10));

    for (LeaseQuery query : List.of(
        LeaseQuery.bySecret("unknown-secret", 10),
        LeaseQuery.bySecret("orders-api", 10).after(lastIdOf(store)),
        LeaseQuery.all(10).withStates(Set.of(LeaseState.REVOCATION_FAILED))
            .after(lastIdOf(store)))) {
      Page<LeaseRecord> page = store.query(query);
      assertEquals(List.of(), page.items(), query.toString());
      assertNull(page.nextCursor(), query.toString());
    }
  }

  @Test
  void queryFindsLeasesUnderTheStateAnUpdateGaveThem() {
    List<LeaseRecord> active = insertShuffled(leases("orders-api", LeaseState.ACTIVE, 40));
    List<LeaseRecord> revoked = new ArrayList<>();
    for (LeaseRecord lease : active.subList(0, 15)) {
      revoked.add(store.update(revoke(lease, NOW)));
    }

    Page<LeaseRecord> revokedPage = store.query(
        LeaseQuery.bySecret("orders-api", 100).withStates(Set.of(LeaseState.REVOKED)));
    Page<LeaseRecord> activePage = store.query(
        LeaseQuery.bySecret("orders-api", 100).withStates(Set.of(LeaseState.ACTIVE)));

    assertLeases(sortedById(revoked), revokedPage.items());
    assertIds(sortedIds(active.subList(15, 40)), ids(activePage.items()), "leases");
  }

  /** Paging goes on from a cursor even if the lease it names was purged meanwhile. */
  @Test
  void pagingContinuesAfterTheCursorLeaseIsPurged() {
    List<LeaseRecord> leases = sortedById(insertShuffled(leases("orders-api", LeaseState.REVOKED, 25)));
    Page<LeaseRecord> first = store.query(LeaseQuery.bySecret("orders-api", 10));
    String cursor = first.nextCursor();
    assertEquals(leases.get(9).id(), first.items().get(9).id());
    LeaseRecord cursorLease = found(first.items().get(9).id());
    store.update(cursorLease.toBuilder().revokedAt(NOW.minus(Duration.ofDays(30))).build());
    assertEquals(1, store.purgeRevokedBefore(NOW.minus(Duration.ofDays(1)), 100));

    List<Page<LeaseRecord>> rest = readAllPages(LeaseQuery.bySecret("orders-api", 10).after(cursor));

    assertIds(sortedIds(leases.subList(10, 25)), ids(flatten(rest)), "leases");
  }

  // ======================================================================== claimDue

  @Test
  void claimDueTakesOnlyLeasesDueByNowEarliestFirst() {
    // Ids are in the opposite order to due times, so the order returned must come from dueAt.
    LeaseRecord neverDue = lease("orders-api", LeaseState.REVOKED).revokedAt(NOW.minusSeconds(1)).build();
    LeaseRecord dueInAnHour = lease("orders-api", LeaseState.ACTIVE)
        .dueAt(NOW.plus(Duration.ofHours(1))).build();
    LeaseRecord dueNextMicro = lease("orders-api", LeaseState.ACTIVE).dueAt(NOW.plusNanos(1_000)).build();
    LeaseRecord dueNow = lease("orders-api", LeaseState.ACTIVE).dueAt(NOW).build();
    LeaseRecord dueAMinuteAgo = lease("billing-api", LeaseState.PENDING).dueAt(NOW.minusSeconds(60))
        .build();
    LeaseRecord dueLongAgo = lease("orders-api", LeaseState.ACTIVE).dueAt(NOW.minus(Duration.ofDays(3)))
        .build();
    insertShuffled(List.of(dueNextMicro, dueNow, neverDue, dueLongAgo, dueInAnHour, dueAMinuteAgo));

    List<LeaseRecord> claimed = store.claimDue("node-a", NOW, CLAIM_TIMEOUT, 100);

    List<LeaseRecord> expected = List.of(claimedBy("node-a", dueLongAgo, NOW, CLAIM_TIMEOUT),
        claimedBy("node-a", dueAMinuteAgo, NOW, CLAIM_TIMEOUT),
        claimedBy("node-a", dueNow, NOW, CLAIM_TIMEOUT));
    assertLeases(expected, claimed);
    for (LeaseRecord lease : expected) {
      assertLease(lease, found(lease.id()));
    }
    for (LeaseRecord untouched : List.of(dueNextMicro, dueInAnHour, neverDue)) {
      assertLease(untouched, found(untouched.id()));
    }
  }

  @Test
  void claimDueTakesAtMostTheLimitAndLeavesTheRestForTheNextCall() {
    List<LeaseRecord> due = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      due.add(lease("orders-api", LeaseState.ACTIVE).dueAt(NOW.minusSeconds(50 - i)).build());
    }
    insertShuffled(due);

    List<String> first = ids(store.claimDue("node-a", NOW, CLAIM_TIMEOUT, 2));
    List<String> second = ids(store.claimDue("node-b", NOW, CLAIM_TIMEOUT, 2));
    List<String> third = ids(store.claimDue("node-a", NOW, CLAIM_TIMEOUT, 2));
    List<String> fourth = ids(store.claimDue("node-b", NOW, CLAIM_TIMEOUT, 2));

    assertIds(ids(due.subList(0, 2)), first, "first claim");
    assertIds(ids(due.subList(2, 4)), second, "second claim");
    assertIds(ids(due.subList(4, 5)), third, "third claim");
    assertEquals(List.of(), fourth);
  }

  @Test
  void aClaimedLeaseIsNotClaimedAgainUntilItsClaimTimesOutThenAnotherNodeTakesItOver() {
    LeaseRecord lease = lease("orders-api", LeaseState.ACTIVE).dueAt(NOW.minusSeconds(1)).build();
    store.insert(lease);
    Duration timeout = Duration.ofSeconds(30);

    LeaseRecord claimedByA = single(store.claimDue("node-a", NOW, timeout, 10));
    assertLease(claimedBy("node-a", lease, NOW, timeout), claimedByA);

    Instant justBeforeTimeout = NOW.plus(timeout).minusNanos(1_000);
    assertEquals(List.of(), store.claimDue("node-b", NOW, timeout, 10));
    assertEquals(List.of(), store.claimDue("node-b", justBeforeTimeout, timeout, 10));
    assertEquals(List.of(), store.claimDue("node-a", justBeforeTimeout, timeout, 10));

    Instant timedOut = NOW.plus(timeout);
    LeaseRecord takenOver = single(store.claimDue("node-b", timedOut, timeout, 10));

    assertLease(claimedBy("node-b", claimedByA, timedOut, timeout), takenOver);
    assertEquals(2, takenOver.version());
    assertLease(takenOver, found(lease.id()));
  }

  @Test
  void leasesWithoutDueAtAreNeverClaimed() {
    LeaseRecord nothingToDo = lease("orders-api", LeaseState.REVOKED).revokedAt(NOW).dueAt(null).build();
    LeaseRecord failed = lease("orders-api", LeaseState.REVOCATION_FAILED).dueAt(null).build();
    store.insert(nothingToDo);
    store.insert(failed);

    Instant farFuture = NOW.plus(Duration.ofDays(365L * 100));
    assertEquals(List.of(), store.claimDue("node-a", farFuture, CLAIM_TIMEOUT, 10));

    assertLease(nothingToDo, found(nothingToDo.id()));
    assertLease(failed, found(failed.id()));
  }

  @Test
  void claimDueFollowsDueTimesThatUpdatesChange() {
    LeaseRecord laterMadeDue = lease("orders-api", LeaseState.ACTIVE)
        .dueAt(NOW.plus(Duration.ofHours(1))).build();
    LeaseRecord laterMadeNotDue = lease("orders-api", LeaseState.ACTIVE).dueAt(NOW.minusSeconds(10))
        .build();
    LeaseRecord laterFinished = lease("orders-api", LeaseState.ACTIVE).dueAt(NOW.minusSeconds(20))
        .build();
    LeaseRecord released = lease("orders-api", LeaseState.ACTIVE).dueAt(NOW.minusSeconds(30)).build();
    List.of(laterMadeDue, laterMadeNotDue, laterFinished, released).forEach(store::insert);

    // A claim taken and released with a new due time, as the engine does after a renewal.
    LeaseRecord claimed = single(store.claimDue("node-a", NOW.minusSeconds(25), CLAIM_TIMEOUT, 1));
    assertEquals(released.id(), claimed.id());
    store.update(claimed.toBuilder().claimedBy(null).dueAt(NOW.minusSeconds(5)).build());
    store.update(laterMadeDue.toBuilder().dueAt(NOW.minusSeconds(1)).build());
    store.update(laterMadeNotDue.toBuilder().dueAt(NOW.plus(Duration.ofHours(2))).build());
    store.update(revoke(laterFinished, NOW));

    List<LeaseRecord> due = store.claimDue("node-b", NOW, CLAIM_TIMEOUT, 10);

    assertIds(List.of(released.id(), laterMadeDue.id()), ids(due), "leases");
    assertEquals(List.of(3L, 2L), due.stream().map(LeaseRecord::version).toList());
  }

  /** Many nodes, several threads each, all claiming at once: each lease is claimed exactly once. */
  @Test
  void concurrentClaimsFromManyNodesClaimEachDueLeaseExactlyOnce() throws Exception {
    int leaseCount = 2_000;
    List<LeaseRecord> due = new ArrayList<>();
    for (int i = 0; i < leaseCount; i++) {
      due.add(lease(i % 2 == 0 ? "orders-api" : "billing-api", LeaseState.ACTIVE)
          .dueAt(NOW.minusMillis(random.nextInt(100_000)))
          .build());
    }
    insertShuffled(due);

    int nodes = 4;
    int threadsPerNode = 2;
    List<Callable<List<LeaseRecord>>> claimers = new ArrayList<>();
    for (int t = 0; t < nodes * threadsPerNode; t++) {
      String node = "node-" + (t % nodes);
      claimers.add(() -> {
        List<LeaseRecord> mine = new ArrayList<>();
        List<LeaseRecord> batch;
        // Bounded, so that a store which hands out leases forever fails instead of hanging.
        while (mine.size() <= leaseCount
            && !(batch = store.claimDue(node, NOW, CLAIM_TIMEOUT, 25)).isEmpty()) {
          mine.addAll(batch);
        }
        return mine;
      });
    }
    List<List<LeaseRecord>> results = runTogether(claimers);

    Map<String, Integer> timesClaimed = new HashMap<>();
    for (List<LeaseRecord> claimedByOneThread : results) {
      claimedByOneThread.forEach(l -> timesClaimed.merge(l.id(), 1, Integer::sum));
    }
    assertIds(sortedIds(due), timesClaimed.keySet().stream().sorted().toList(), "leases claimed");
    Map<String, Integer> claimedTwice = new LinkedHashMap<>(timesClaimed);
    claimedTwice.values().removeIf(n -> n == 1);
    assertEquals(Map.of(), claimedTwice, "leases claimed more than once");
    Map<String, LeaseRecord> dueById = byId(due);
    for (int t = 0; t < results.size(); t++) {
      String node = "node-" + (t % nodes);
      for (LeaseRecord claimed : results.get(t)) {
        assertLease(claimedBy(node, dueById.get(claimed.id()), NOW, CLAIM_TIMEOUT), claimed);
        assertLease(claimed, found(claimed.id()));
      }
    }
    assertEquals(List.of(), store.claimDue("node-x", NOW, CLAIM_TIMEOUT, 10));
  }

  /**
   * The engine revokes a lease by an update while another node's sweep may be claiming it. For
   * each lease one of the two must win and the other must see that it lost: never both.
   */
  @Test
  void aClaimAndAnUpdateRacingForTheSameLeaseNeverBothWin() throws Exception {
    List<LeaseRecord> due = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      due.add(lease("orders-api", LeaseState.ACTIVE).dueAt(NOW.minusMillis(i)).build());
    }
    insertShuffled(due);

    Callable<List<LeaseRecord>> sweep = () -> {
      List<LeaseRecord> claimed = new ArrayList<>();
      List<LeaseRecord> batch;
      while (claimed.size() <= due.size()
          && !(batch = store.claimDue("sweeper", NOW, CLAIM_TIMEOUT, 7)).isEmpty()) {
        claimed.addAll(batch);
      }
      return claimed;
    };
    // The sweep takes the earliest due first, the revoker goes latest first: they meet midway.
    Callable<List<LeaseRecord>> revoker = () -> {
      List<LeaseRecord> updated = new ArrayList<>();
      for (LeaseRecord lease : due) {
        try {
          updated.add(store.update(revoke(lease, NOW)));
        } catch (ConflictException lostToTheSweep) {
          // expected for leases the sweep claimed first
        }
      }
      return updated;
    };
    List<List<LeaseRecord>> results = runTogether(List.of(sweep, revoker));

    Map<String, LeaseRecord> claimed = byId(results.get(0));
    Map<String, LeaseRecord> updated = byId(results.get(1));
    for (LeaseRecord lease : due) {
      boolean wonByClaim = claimed.containsKey(lease.id());
      boolean wonByUpdate = updated.containsKey(lease.id());
      assertTrue(wonByClaim ^ wonByUpdate,
          "lease " + lease.id() + ": claimed " + wonByClaim + ", updated " + wonByUpdate);
      LeaseRecord winner = wonByClaim ? claimed.get(lease.id()) : updated.get(lease.id());
      assertLease(winner, found(lease.id()));
    }
  }

  // ======================================================================== count

  @Test
  void countCountsTheLeasesOfOneSecretInTheGivenStates() {
    insertShuffled(
        leases("orders-api", LeaseState.PENDING, 3),
        leases("orders-api", LeaseState.ACTIVE, 11),
        leases("orders-api", LeaseState.REVOKED, 5),
        leases("billing-api", LeaseState.ACTIVE, 7),
        leases("billing-api", LeaseState.REVOCATION_FAILED, 2));

    assertAll(
        () -> assertEquals(11, store.count("orders-api", Set.of(LeaseState.ACTIVE))),
        () -> assertEquals(14,
            store.count("orders-api", EnumSet.of(LeaseState.PENDING, LeaseState.ACTIVE))),
        () -> assertEquals(19, store.count("orders-api", ALL_STATES)),
        () -> assertEquals(0, store.count("orders-api", Set.of(LeaseState.REVOCATION_FAILED))),
        () -> assertEquals(7, store.count("billing-api", Set.of(LeaseState.ACTIVE))),
        () -> assertEquals(9, store.count("billing-api", ALL_STATES)),
        () -> assertEquals(0, store.count("unknown-secret", ALL_STATES)));
  }

  @Test
  void countFollowsStateChangesClaimsAndPurges() {
    List<LeaseRecord> active = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      active.add(lease("orders-api", LeaseState.ACTIVE).dueAt(NOW).build());
    }
    insertShuffled(active);
    for (LeaseRecord lease : active.subList(0, 4)) {
      store.update(revoke(lease, NOW.minus(Duration.ofDays(10))));
    }
    store.update(active.get(4).toBuilder().state(LeaseState.REVOCATION_FAILED).build());

    assertEquals(5, store.count("orders-api", Set.of(LeaseState.ACTIVE)));
    assertEquals(4, store.count("orders-api", Set.of(LeaseState.REVOKED)));
    assertEquals(1, store.count("orders-api", Set.of(LeaseState.REVOCATION_FAILED)));

    assertEquals(6, store.claimDue("node-a", NOW.plus(Duration.ofDays(1)), CLAIM_TIMEOUT, 100)
        .size());
    assertEquals(5, store.count("orders-api", Set.of(LeaseState.ACTIVE)), "after claims");

    assertEquals(4, store.purgeRevokedBefore(NOW, 100));
    assertEquals(0, store.count("orders-api", Set.of(LeaseState.REVOKED)), "after purge");
    assertEquals(6, store.count("orders-api", ALL_STATES), "after purge");
  }

  // ======================================================================== insertWithinLimit

  private static final Set<LeaseState> LIVE = EnumSet.of(LeaseState.PENDING, LeaseState.ACTIVE);

  @Test
  void insertWithinLimitStoresUntilTheLimitThenRefusesAndStoresNothing() {
    LeaseRecord first = lease("orders-api", LeaseState.PENDING).build();
    LeaseRecord second = lease("orders-api", LeaseState.ACTIVE).build();
    LeaseRecord third = lease("orders-api", LeaseState.PENDING).build();

    assertTrue(store.insertWithinLimit(first, LIVE, 2), "first of 2");
    assertTrue(store.insertWithinLimit(second, LIVE, 2), "second of 2");
    assertFalse(store.insertWithinLimit(third, LIVE, 2), "third of 2");

    assertLease(first, found(first.id()));
    assertLease(second, found(second.id()));
    assertEquals(Optional.empty(), store.find(third.id()), "the refused lease");
    assertEquals(2, store.count("orders-api", ALL_STATES));
  }

  @Test
  void insertWithinLimitCountsOnlyTheGivenStatesOfTheSameSecret() {
    insertShuffled(
        leases("orders-api", LeaseState.REVOKED, 4),
        leases("orders-api", LeaseState.REVOCATION_FAILED, 2),
        leases("billing-api", LeaseState.ACTIVE, 5));
    store.insert(lease("orders-api", LeaseState.ACTIVE).build());

    assertTrue(store.insertWithinLimit(lease("orders-api", LeaseState.PENDING).build(), LIVE, 2),
        "revoked, failed and other secrets' leases do not count");
    assertFalse(store.insertWithinLimit(lease("orders-api", LeaseState.PENDING).build(), LIVE, 2),
        "two live leases now");
    assertTrue(store.insertWithinLimit(lease("billing-api", LeaseState.PENDING).build(),
        EnumSet.of(LeaseState.PENDING), 1), "only PENDING counted, none stored");
    assertTrue(store.insertWithinLimit(lease("orders-api", LeaseState.PENDING).build(),
        EnumSet.noneOf(LeaseState.class), 1), "no state counted: nothing counts");
  }

  @Test
  void insertWithinLimitMakesRoomAgainWhenALeaseLeavesTheCountedStates() {
    LeaseRecord live = lease("orders-api", LeaseState.ACTIVE).build();
    assertTrue(store.insertWithinLimit(live, LIVE, 1));
    assertFalse(store.insertWithinLimit(lease("orders-api", LeaseState.PENDING).build(), LIVE, 1));

    store.update(revoke(live, NOW));

    LeaseRecord next = lease("orders-api", LeaseState.PENDING).build();
    assertTrue(store.insertWithinLimit(next, LIVE, 1), "room after the revocation");
    assertLease(next, found(next.id()));
  }

  @Test
  void insertWithinLimitOfAnIdStoredAlreadyConflictsAndKeepsTheStoredLease() {
    LeaseRecord stored = lease("orders-api", LeaseState.ACTIVE).build();
    store.insert(stored);
    LeaseRecord sameId = lease("orders-api", LeaseState.PENDING).id(stored.id()).build();

    assertThrows(ConflictException.class, () -> store.insertWithinLimit(sameId, LIVE, 5));

    assertLease(stored, found(stored.id()));
    assertEquals(1, store.count("orders-api", ALL_STATES));
  }

  @Test
  void insertWithinLimitRejectsALimitBelowOneAndStoresNothing() {
    LeaseRecord lease = lease("orders-api", LeaseState.PENDING).build();

    assertRejected("limit", () -> store.insertWithinLimit(lease, LIVE, 0));
    assertRejected("limit", () -> store.insertWithinLimit(lease, LIVE, -3));

    assertEquals(Optional.empty(), store.find(lease.id()));
  }

  /**
   * Sixteen threads inserting 240 leases of one secret at once with a limit of 40, while a few
   * others insert another secret's leases unlimited: exactly 40 are stored, every one reported.
   */
  @Test
  void concurrentInsertsWithinLimitNeverPassIt() throws Exception {
    int limit = 40;
    int threads = 16;
    int perThread = 15;
    List<List<LeaseRecord>> work = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      work.add(leases("orders-api", LeaseState.PENDING, perThread));
    }
    List<LeaseRecord> unlimited = leases("billing-api", LeaseState.PENDING, 60);
    List<Callable<List<String>>> tasks = new ArrayList<>();
    for (List<LeaseRecord> mine : work) {
      tasks.add(() -> {
        List<String> stored = new ArrayList<>();
        for (LeaseRecord lease : mine) {
          if (store.insertWithinLimit(lease, LIVE, limit)) {
            stored.add(lease.id());
          }
        }
        return stored;
      });
    }
    for (int t = 0; t < 3; t++) {
      List<LeaseRecord> mine = unlimited.subList(t * 20, (t + 1) * 20);
      tasks.add(() -> {
        mine.forEach(store::insert);
        return List.of();
      });
    }

    List<String> reported = runTogether(tasks).stream().flatMap(List::stream).sorted().toList();

    assertEquals(limit, reported.size(), "inserts reported as stored");
    List<String> stored = new ArrayList<>();
    store.query(LeaseQuery.bySecret("orders-api", 1_000)).items().forEach(l -> stored.add(l.id()));
    assertIds(reported, stored, "leases of orders-api stored");
    assertEquals(60, store.count("billing-api", ALL_STATES), "unlimited inserts alongside");
  }

  // ======================================================================== purgeRevokedBefore

  @Test
  void purgeDeletesOnlyRevokedLeasesRevokedBeforeTheCutoff() {
    Instant cutoff = NOW.minus(Duration.ofDays(30));
    LeaseRecord revokedLongAgo = lease("orders-api", LeaseState.REVOKED)
        .revokedAt(cutoff.minus(Duration.ofDays(9))).build();
    LeaseRecord revokedJustBefore = lease("billing-api", LeaseState.REVOKED)
        .revokedAt(cutoff.minusNanos(1_000)).build();
    LeaseRecord revokedAtCutoff = lease("orders-api", LeaseState.REVOKED).revokedAt(cutoff).build();
    LeaseRecord revokedRecently = lease("orders-api", LeaseState.REVOKED).revokedAt(NOW).build();
    LeaseRecord revokedWithoutTime = lease("orders-api", LeaseState.REVOKED).revokedAt(null).build();
    LeaseRecord failedLongAgo = lease("orders-api", LeaseState.REVOCATION_FAILED)
        .revokedAt(cutoff.minus(Duration.ofDays(9))).build();
    LeaseRecord active = lease("orders-api", LeaseState.ACTIVE).build();
    LeaseRecord pending = lease("orders-api", LeaseState.PENDING).build();
    insertShuffled(List.of(revokedLongAgo, revokedAtCutoff, revokedRecently, revokedWithoutTime,
        failedLongAgo, active, pending));
    // Revoked through an update rather than at insert: the purge must see that too.
    LeaseRecord revokedByUpdate = lease("orders-api", LeaseState.ACTIVE).dueAt(NOW).build();
    store.insert(revokedByUpdate);
    store.insert(revokedJustBefore.toBuilder().state(LeaseState.ACTIVE).revokedAt(null).build());
    store.update(revoke(revokedByUpdate, cutoff.minusSeconds(1)));
    store.update(revokedJustBefore);

    int purged = store.purgeRevokedBefore(cutoff, 100);

    assertEquals(3, purged);
    for (LeaseRecord gone : List.of(revokedLongAgo, revokedJustBefore, revokedByUpdate)) {
      assertEquals(Optional.empty(), store.find(gone.id()), "purged lease " + gone.id());
    }
    for (LeaseRecord kept : List.of(revokedAtCutoff, revokedRecently, revokedWithoutTime, failedLongAgo,
        active, pending)) {
      assertLease(kept, found(kept.id()));
    }
    assertEquals(0, store.purgeRevokedBefore(cutoff, 100), "a second purge");
  }

  @Test
  void purgeDeletesAtMostTheLimitPerCall() {
    Instant cutoff = NOW.minus(Duration.ofDays(30));
    List<LeaseRecord> old = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      old.add(lease("orders-api", LeaseState.REVOKED)
          .revokedAt(cutoff.minus(Duration.ofHours(i + 1))).build());
    }
    List<LeaseRecord> recent = leases("orders-api", LeaseState.REVOKED, 3);
    insertShuffled(old, recent);

    assertEquals(List.of(3, 3, 1, 0), List.of(
        store.purgeRevokedBefore(cutoff, 3),
        store.purgeRevokedBefore(cutoff, 3),
        store.purgeRevokedBefore(cutoff, 3),
        store.purgeRevokedBefore(cutoff, 3)));

    Page<LeaseRecord> left = store.query(LeaseQuery.all(100));
    assertIds(sortedIds(recent), ids(left.items()), "leases");
  }

  @Test
  void purgedLeasesAreNeverClaimedOrListed() {
    LeaseRecord revoked = lease("orders-api", LeaseState.REVOKED)
        .revokedAt(NOW.minus(Duration.ofDays(90))).dueAt(NOW.minus(Duration.ofDays(90))).build();
    LeaseRecord active = lease("orders-api", LeaseState.ACTIVE).dueAt(NOW).build();
    store.insert(revoked);
    store.insert(active);

    assertEquals(1, store.purgeRevokedBefore(NOW, 10));

    assertIds(List.of(active.id()), ids(store.claimDue("node-a", NOW, CLAIM_TIMEOUT, 10)),
        "claimed");
    assertIds(List.of(active.id()), ids(store.query(LeaseQuery.all(10)).items()), "leases");
    assertThrows(NotFoundException.class, () -> store.update(revoked));
  }

  // ======================================================================== bad input

  @Test
  void claimDueAndPurgeRejectLimitsAndTimeoutsThatCouldNeverWorkAndChangeNothing() {
    LeaseRecord due = lease("orders-api", LeaseState.REVOKED).revokedAt(NOW.minus(Duration.ofDays(9)))
        .dueAt(NOW.minusSeconds(1)).build();
    store.insert(due);

    assertRejected("limit", () -> store.claimDue("node-a", NOW, CLAIM_TIMEOUT, 0));
    assertRejected("claimTimeout", () -> store.claimDue("node-a", NOW, Duration.ZERO, 10));
    assertRejected("claimTimeout", () -> store.claimDue("node-a", NOW, Duration.ofSeconds(-1), 10));
    assertRejected("limit", () -> store.purgeRevokedBefore(NOW, 0));

    assertLease(due, found(due.id()));
  }

  // ======================================================================== helpers

  /**
   * A fresh lease id in the engine's layout (UUID version 7: milliseconds, then random bits).
   * Ids of one test instance are time-ordered, several sharing a millisecond, like real bursts.
   */
  private String newLeaseId() {
    if (random.nextInt(4) == 0) {
      idMillis++;
    }
    long msb = (idMillis << 16) | 0x7000L | (random.nextLong() & 0x0FFFL);
    long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(msb, lsb).toString();
  }

  /** An error as long as the engine records (1,000 characters and an ellipsis), not all ASCII. */
  private static String longError() {
    String start = "transient: 503 “retry later” from gateway é ";
    return start + "x".repeat(1000 - start.length()) + "…";
  }

  /** A lease as the engine would store it in {@code state}, with a fresh id. */
  private LeaseRecord.Builder lease(String secretName, LeaseState state) {
    String id = newLeaseId();
    LeaseRecord.Builder builder = LeaseRecord.builder()
        .id(id)
        .secretName(secretName)
        .state(state)
        .createdAt(NOW.minus(Duration.ofHours(1)))
        .expiresAt(NOW.plus(Duration.ofHours(1)))
        .hardLimitAt(NOW.plus(Duration.ofHours(8)));
    if (state != LeaseState.PENDING) {
      builder.externalId("cred-" + id.substring(24))
          .metadata(Map.of("credentialName", "dynsecret-" + id));
    }
    if (state == LeaseState.REVOKED) {
      builder.revokedAt(NOW.minus(Duration.ofMinutes(1))).revokeReason(RevokeReason.EXPIRED)
          .revokedBy("node-a");
    }
    if (state == LeaseState.REVOCATION_FAILED) {
      builder.revokeReason(RevokeReason.MANUAL).revocationAttempts(5).lastError("definitive: 403");
    }
    return builder;
  }

  private List<LeaseRecord> leases(String secretName, LeaseState state, int count) {
    List<LeaseRecord> leases = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      leases.add(lease(secretName, state).build());
    }
    return leases;
  }

  /** Leases of one secret in every state, some due (at varied times) and some not. */
  private List<LeaseRecord> mixedLeases(String secretName, int count) {
    LeaseState[] states = LeaseState.values();
    List<LeaseRecord> leases = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      LeaseRecord.Builder builder = lease(secretName, states[random.nextInt(states.length)]);
      if (random.nextBoolean()) {
        builder.dueAt(NOW.plusSeconds(random.nextInt(7200) - 3600));
      }
      leases.add(builder.build());
    }
    return leases;
  }

  /** The lease changed as the engine revokes it at {@code at}: a copy to pass to update. */
  private static LeaseRecord revoke(LeaseRecord lease, Instant at) {
    return lease.toBuilder().state(LeaseState.REVOKED).revokeReason(RevokeReason.MANUAL)
        .revokedAt(at).revokedBy("node-a").claimedBy(null).dueAt(null).build();
  }

  /** What {@code claimDue(node, now, timeout, ...)} must store for {@code lease}. */
  private static LeaseRecord claimedBy(String node, LeaseRecord lease, Instant now, Duration timeout) {
    return lease.toBuilder().claimedBy(node).dueAt(now.plus(timeout)).version(lease.version() + 1)
        .build();
  }

  /** Inserts the leases of every list in one random order; returns them in their given order. */
  @SafeVarargs
  private List<LeaseRecord> insertShuffled(List<LeaseRecord>... groups) {
    List<LeaseRecord> all = new ArrayList<>();
    for (List<LeaseRecord> group : groups) {
      all.addAll(group);
    }
    List<LeaseRecord> shuffled = new ArrayList<>(all);
    Collections.shuffle(shuffled, random);
    shuffled.forEach(store::insert);
    return all;
  }

  private LeaseRecord found(String id) {
    return store.find(id).orElseThrow(() -> new AssertionError("lease " + id + " is not stored"));
  }

  private List<Page<LeaseRecord>> readAllPages(LeaseQuery query) {
    List<Page<LeaseRecord>> pages = new ArrayList<>();
    Page<LeaseRecord> page = store.query(query);
    pages.add(page);
    while (page.hasNext()) {
      if (pages.size() > 10_000) {
        fail("paging did not end after 10,000 pages");
      }
      page = store.query(query.after(page.nextCursor()));
      pages.add(page);
    }
    return pages;
  }

  /**
   * The pages hold exactly {@code expected}, in order; every page but the last is full and has a
   * next cursor; the last has none.
   */
  private static void assertPages(List<LeaseRecord> expected, List<Page<LeaseRecord>> pages, int pageSize) {
    List<LeaseRecord> listed = flatten(pages);
    assertIds(ids(expected), ids(listed), "ids listed over all pages");
    assertLeases(expected, listed);
    int expectedPages = Math.max(1, (expected.size() + pageSize - 1) / pageSize);
    assertEquals(expectedPages, pages.size(), "number of pages");
    for (int i = 0; i < pages.size() - 1; i++) {
      assertEquals(pageSize, pages.get(i).items().size(), "size of page " + (i + 1));
      assertTrue(pages.get(i).hasNext(), "page " + (i + 1) + " has a next cursor");
    }
    assertNull(pages.get(pages.size() - 1).nextCursor(), "next cursor of the last page");
  }

  private static List<LeaseRecord> flatten(List<Page<LeaseRecord>> pages) {
    return pages.stream().flatMap(p -> p.items().stream()).toList();
  }

  private static String lastIdOf(LeaseStore store) {
    Page<LeaseRecord> page = store.query(LeaseQuery.all(LeaseQuery.MAX_LIMIT));
    return page.items().get(page.items().size() - 1).id();
  }

  private static List<LeaseRecord> filter(List<LeaseRecord> leases, Predicate<LeaseRecord> keep) {
    return leases.stream().filter(keep).toList();
  }

  private static List<LeaseRecord> sortedById(List<LeaseRecord> leases) {
    return leases.stream().sorted(Comparator.comparing(LeaseRecord::id)).toList();
  }

  private static List<String> ids(List<LeaseRecord> leases) {
    return leases.stream().map(LeaseRecord::id).toList();
  }

  private static List<String> sortedIds(List<LeaseRecord> leases) {
    return ids(sortedById(leases));
  }

  private static Map<String, LeaseRecord> byId(List<LeaseRecord> leases) {
    return leases.stream().collect(Collectors.toMap(LeaseRecord::id, l -> l));
  }

  private static LeaseRecord single(List<LeaseRecord> leases) {
    assertEquals(1, leases.size(), "leases claimed: " + ids(leases));
    return leases.get(0);
  }

  /** Compares field by field, so a failure names the field a store got wrong. */
  private static void assertLease(LeaseRecord expected, LeaseRecord actual) {
    if (expected.equals(actual)) {
      return;
    }
    List<org.junit.jupiter.api.function.Executable> checks = new ArrayList<>();
    for (RecordComponent component : LeaseRecord.class.getRecordComponents()) {
      checks.add(() -> assertEquals(component.getAccessor().invoke(expected),
          component.getAccessor().invoke(actual),
          "lease " + expected.id() + ", field " + component.getName()));
    }
    assertAll(checks);
  }

  private static void assertLeases(List<LeaseRecord> expected, List<LeaseRecord> actual) {
    assertIds(ids(expected), ids(actual), "lease ids");
    for (int i = 0; i < expected.size(); i++) {
      assertLease(expected.get(i), actual.get(i));
    }
  }

  /**
   * Like assertEquals on the two lists, but a failure says what is missing, extra, repeated or
   * out of order rather than printing hundreds of ids.
   */
  private static void assertIds(List<String> expected, List<String> actual, String what) {
    if (expected.equals(actual)) {
      return;
    }
    Set<String> missing = new LinkedHashSet<>(expected);
    actual.forEach(missing::remove);
    Set<String> extra = new LinkedHashSet<>(actual);
    expected.forEach(extra::remove);
    Set<String> seen = new HashSet<>();
    List<String> repeated = actual.stream().filter(id -> !seen.add(id)).toList();
    int firstDifference = 0;
    while (firstDifference < Math.min(expected.size(), actual.size())
        && expected.get(firstDifference).equals(actual.get(firstDifference))) {
      firstDifference++;
    }
    fail(what + ": expected " + expected.size() + ", got " + actual.size()
        + "; missing " + abbreviate(missing) + "; unexpected " + abbreviate(extra)
        + "; repeated " + abbreviate(repeated) + "; first difference at position "
        + firstDifference);
  }

  private static String abbreviate(java.util.Collection<String> ids) {
    return ids.size() <= 5 ? ids.toString()
        : ids.stream().limit(5).toList() + " and " + (ids.size() - 5) + " more";
  }

  private static void assertWithinOneMicro(Instant expected, Instant actual, String field) {
    Duration off = Duration.between(expected, actual).abs();
    assertTrue(off.compareTo(Duration.of(1, ChronoUnit.MICROS)) < 0,
        field + " was stored as " + actual + ", " + off + " away from " + expected);
  }

  private static void assertRejected(String field, org.junit.jupiter.api.function.Executable call) {
    InvalidRequestException e = assertThrows(InvalidRequestException.class, call);
    assertEquals(field, e.field(), "the field named by: " + e.getMessage());
  }

  /**
   * Runs the tasks on their own threads, released together by one start gate, and returns their
   * results in task order.
   */
  private static <T> List<T> runTogether(List<Callable<T>> tasks) throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(tasks.size());
    try {
      CountDownLatch ready = new CountDownLatch(tasks.size());
      CountDownLatch start = new CountDownLatch(1);
      List<Future<T>> futures = new ArrayList<>();
      for (Callable<T> task : tasks) {
        futures.add(threads.submit(() -> {
          ready.countDown();
          start.await();
          return task.call();
        }));
      }
      assertTrue(ready.await(30, TimeUnit.SECONDS), "threads started");
      start.countDown();
      List<T> results = new ArrayList<>();
      for (Future<T> future : futures) {
        results.add(future.get(30, TimeUnit.SECONDS));
      }
      return results;
    } finally {
      threads.shutdownNow();
    }
  }
}
