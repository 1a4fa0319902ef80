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
import dev.dynsecret.LeaseQuery;
import dev.dynsecret.LeaseState;
import dev.dynsecret.NotFoundException;
import dev.dynsecret.Page;
import dev.dynsecret.RevokeReason;
import dev.dynsecret.spi.LeaseRecord;
import dev.dynsecret.spi.LeaseStore;
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
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
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
 *
 *   @Override
 *   protected LeaseStore newStoreOnSameStorage() {  // a second node on the same database
 *     return new MyLeaseStore(sameDatabaseAsTheLastNewStore());
 *   }
 * }
 * }</pre>
 *
 * <p>Each test gets a fresh, empty store and closes it afterwards. The tests are grouped by what
 * they check ({@link Inserting}, {@link CompareAndSet}, {@link Querying}, {@link Claiming}, {@link
 * Counting}, {@link Limits}, {@link Purging}, {@link BadInput}, {@link Concurrency}, {@link
 * SharedStorage}), so a failure report reads as the part of the contract that is broken. The tests
 * use real threads where the contract is about concurrency (claim exclusivity, compare-and-set,
 * the lease limit), and fixed instants everywhere else: nothing sleeps. Lease ids look like the
 * engine's: time-ordered UUIDv7 strings.
 *
 * <h2>Optional capabilities</h2>
 *
 * <p>Everything the engine relies on for correctness is required: atomic compare-and-set on the
 * version, claims that never hand one lease to two callers, the lease limit counted and kept in
 * one atomic step, paging in id order, purging. A store cannot opt out of any of that. Two
 * abilities are optional, because a useful store can lack them and the engine still keeps its
 * promises; a store that lacks one says so by overriding {@link #unsupported()}, and the tests of
 * that ability are then skipped (reported as skipped, with the reason), never passed:
 *
 * <pre>{@code
 * @Override
 * protected Set<Capability> unsupported() {
 *   return EnumSet.of(Capability.SHARED_STORAGE);  // one process only
 * }
 * }</pre>
 *
 * <ul>
 *   <li>{@link Capability#MICROSECOND_INSTANTS}: instants kept to at least the microsecond (SQL
 *       {@code TIMESTAMP} columns hold microseconds). A store that keeps only milliseconds (a
 *       JavaScript-style date, an epoch-millisecond score) declares it unsupported: the contract
 *       then stores instants on whole milliseconds, steps by one millisecond where it checks
 *       ordering and boundaries, and checks millisecond precision instead. Rounding or
 *       truncating below the supported unit is always allowed.
 *   <li>{@link Capability#SHARED_STORAGE}: several store objects over the same storage (in
 *       several processes, as several application instances run them) act as one store. A store
 *       whose data lives in its own process, like the memory store, declares it unsupported; it
 *       then serves one application instance only. A store that has it supplies {@link
 *       #newStoreOnSameStorage()}.
 * </ul>
 *
 * <p>Every test of one store instance used from many threads runs for every store: even a store
 * that serves one process must be safe for the engine's worker threads.
 */
public abstract class LeaseStoreContract {

  /** For subclasses: each test class that checks a store extends this contract. */
  protected LeaseStoreContract() {}

  /**
   * An ability of a store that {@link LeaseStoreContract} checks only if the store has it. See the
   * class documentation for what declaring one unsupported changes.
   */
  public enum Capability {
    /** Instants are kept to at least the microsecond; without it, to at least the millisecond. */
    MICROSECOND_INSTANTS("instants are kept to the millisecond only"),
    /** Several store objects over the same storage, e.g. in several processes, act as one. */
    SHARED_STORAGE("several store instances cannot share one storage: one process only");

    private final String whenUnsupported;

    Capability(String whenUnsupported) {
      this.whenUnsupported = whenUnsupported;
    }
  }

  /** The "current time" of the tests: microsecond precision, so every store can hold it exactly. */
  private static final Instant NOW = Instant.parse("2031-05-06T07:08:09.123456Z");

  private static final Duration CLAIM_TIMEOUT = Duration.ofMinutes(5);
  private static final Set<LeaseState> ALL_STATES = EnumSet.allOf(LeaseState.class);
  private static final Set<LeaseState> LIVE = EnumSet.of(LeaseState.PENDING, LeaseState.ACTIVE);

  private LeaseStore store;
  private final List<LeaseStore> otherStores = new ArrayList<>();
  private final Random random = new Random(20310506L);
  private long idMillis = NOW.minus(Duration.ofDays(1)).toEpochMilli();
  /** The tests' current time: {@link #NOW}, on a whole millisecond for millisecond stores. */
  private Instant now;
  /** The smallest step the store keeps: one microsecond, or one millisecond. */
  private Duration tick;

  /**
   * A new, empty store for one test. The contract closes it when the test ends.
   *
   * @return the store under test
   */
  protected abstract LeaseStore newStore();

  /**
   * The capabilities this store lacks; their tests are skipped. None by default: a store is
   * checked for everything unless it says otherwise.
   *
   * @return the {@link Capability capabilities} not supported, empty if all are
   */
  protected Set<Capability> unsupported() {
    return EnumSet.noneOf(Capability.class);
  }

  /**
   * Another store over the storage of the store {@link #newStore()} returned last, as a second
   * application instance would open it (its own store object, its own connections). Called only
   * by the tests of {@link Capability#SHARED_STORAGE}; the contract closes it when the test ends.
   *
   * @return a second store sharing the first one's data
   */
  protected LeaseStore newStoreOnSameStorage() {
    throw new AssertionError(getClass().getSimpleName() + " does not say how to open a second store"
        + " on the same storage: override newStoreOnSameStorage(), or declare"
        + " Capability.SHARED_STORAGE in unsupported() if the store serves one process only");
  }

  @BeforeEach
  final void openStore() {
    boolean micros = !unsupported().contains(Capability.MICROSECOND_INSTANTS);
    now = micros ? NOW : NOW.truncatedTo(ChronoUnit.MILLIS);
    tick = micros ? Duration.of(1, ChronoUnit.MICROS) : Duration.ofMillis(1);
    store = newStore();
  }

  @AfterEach
  final void closeStore() {
    otherStores.forEach(LeaseStore::close);
    if (store != null) {
      store.close();
    }
  }

  /** Skips the calling test, saying why, if the store declares {@code capability} unsupported. */
  private void requires(Capability capability) {
    Assumptions.assumeFalse(unsupported().contains(capability),
        () -> LeaseStoreContract.this.getClass().getSimpleName() + " declares " + capability
            + " unsupported (" + capability.whenUnsupported + "), so this test does not apply");
  }

  /** Insert and find: every field comes back exactly as stored. */
  @Nested
  class Inserting {
    @Test
    void aLeaseWithEveryFieldSetIsFoundExactlyAsInserted() {
      String id = newLeaseId();
      LeaseRecord lease = LeaseRecord.builder()
          .id(id)
          .secretName("orders-api")
          .externalId("5f0e6c1a-3b2d-4e8f-9a71-c2d4e6f8a0b1")
          .state(LeaseState.REVOCATION_FAILED)
          .createdAt(now.minus(Duration.ofHours(2)))
          .expiresAt(now.plus(Duration.ofHours(1)).plus(tick))
          .hardLimitAt(now.plus(Duration.ofDays(30)))
          .renewedAt(now.minus(Duration.ofMinutes(59)).plus(tick.multipliedBy(999)))
          .revokedAt(now.minus(tick))
          .revokeReason(RevokeReason.SECRET_REMOVED)
          .revokedBy("node-b")
          .revocationAttempts(7)
          .nextAttemptAt(now.plusSeconds(30))
          // The engine caps errors at 1,000 characters plus an ellipsis; stores must hold that.
          .lastError(longError())
          .metadata(Map.of(
              "credentialName", "dynsecret-" + id,
              "appId", "8d2f4c6e-0a1b-4c3d-9e5f-7a8b9c0d1e2f",
              "note", "naïve café"))
          .version(41)
          .dueAt(now.plus(Duration.ofMinutes(10)))
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
          .createdAt(now)
          .expiresAt(now.plus(Duration.ofHours(1)))
          .hardLimitAt(now.plus(Duration.ofHours(8)))
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
        leases.add(lease("orders-api", LeaseState.REVOKED).revokeReason(reason).revokedAt(now)
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
      requires(Capability.MICROSECOND_INSTANTS);
      Instant precise = Instant.parse("2031-05-06T07:08:09.123456789Z");
      LeaseRecord lease = lease("orders-api", LeaseState.ACTIVE)
          .createdAt(precise)
          .expiresAt(precise.plusNanos(1_001))
          .dueAt(precise.plusNanos(2_002))
          .build();

      store.insert(lease);

      LeaseRecord found = found(lease.id());
      Duration micro = Duration.of(1, ChronoUnit.MICROS);
      assertAll(
          () -> assertWithin(micro, lease.createdAt(), found.createdAt(), "createdAt"),
          () -> assertWithin(micro, lease.expiresAt(), found.expiresAt(), "expiresAt"),
          () -> assertWithin(micro, lease.dueAt(), found.dueAt(), "dueAt"));
    }

    /** Every store keeps at least milliseconds; it may round or truncate below that. */
    @Test
    void instantsKeepAtLeastMillisecondPrecision() {
      Instant precise = Instant.parse("2031-05-06T07:08:09.123456789Z");
      LeaseRecord lease = lease("orders-api", LeaseState.ACTIVE)
          .createdAt(precise)
          .expiresAt(precise.plusNanos(1_000_001))
          .dueAt(precise.plusNanos(2_000_002))
          .build();

      store.insert(lease);

      LeaseRecord found = found(lease.id());
      assertAll(
          () -> assertWithin(Duration.ofMillis(1), lease.createdAt(), found.createdAt(), "createdAt"),
          () -> assertWithin(Duration.ofMillis(1), lease.expiresAt(), found.expiresAt(), "expiresAt"),
          () -> assertWithin(Duration.ofMillis(1), lease.dueAt(), found.dueAt(), "dueAt"));
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
          .secretName("billing-api").externalId("second").state(LeaseState.REVOKED).revokedAt(now)
          .build();

      assertThrows(ConflictException.class, () -> store.insert(impostor));

      assertLease(original, found(original.id()));
      assertEquals(1, store.count("orders-api", ALL_STATES));
      assertEquals(0, store.count("billing-api", ALL_STATES));
    }
  }

  /** Update is a compare-and-set on the version: it wins only from the version stored. */
  @Nested
  class CompareAndSet {
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

      LeaseRecord renewed = store.update(returned.toBuilder().renewedAt(now).build());
      assertEquals(2, renewed.version());
      assertLease(renewed, found(pending.id()));
    }

    @Test
    void updateCanClearOptionalFields() {
      LeaseRecord claimed = lease("orders-api", LeaseState.ACTIVE)
          .revokeReason(RevokeReason.MANUAL)
          .lastError("transient: timeout")
          .nextAttemptAt(now)
          .metadata(Map.of("credentialName", "x"))
          .claimedBy("node-a")
          .dueAt(now)
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
      LeaseRecord renewed = store.update(original.toBuilder().renewedAt(now).build());

      LeaseRecord stale = original.toBuilder()
          .state(LeaseState.REVOKED).revokedAt(now).revokeReason(RevokeReason.MANUAL).build();
      assertThrows(ConflictException.class, () -> store.update(stale));

      assertLease(renewed, found(original.id()));
      assertEquals(0, store.count("orders-api", Set.of(LeaseState.REVOKED)));
    }

    @Test
    void updateWithAVersionAheadOfTheStoredOneConflicts() {
      LeaseRecord original = lease("orders-api", LeaseState.ACTIVE).version(3).build();
      store.insert(original);

      assertThrows(ConflictException.class,
          () -> store.update(original.toBuilder().version(4).renewedAt(now).build()));

      assertLease(original, found(original.id()));
    }

    @Test
    void updatingAnUnknownLeaseIsNotFoundAndStoresNothing() {
      LeaseRecord neverInserted = lease("orders-api", LeaseState.ACTIVE).build();

      assertThrows(NotFoundException.class, () -> store.update(neverInserted));

      assertEquals(Optional.empty(), store.find(neverInserted.id()));
    }
  }

  /** Queries page through leases in id order, filtered by secret and state. */
  @Nested
  class Querying {
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
        revoked.add(store.update(revoke(lease, now)));
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
      store.update(cursorLease.toBuilder().revokedAt(now.minus(Duration.ofDays(30))).build());
      assertEquals(1, store.purgeRevokedBefore(now.minus(Duration.ofDays(1)), 100));

      List<Page<LeaseRecord>> rest = readAllPages(LeaseQuery.bySecret("orders-api", 10).after(cursor));

      assertIds(sortedIds(leases.subList(10, 25)), ids(flatten(rest)), "leases");
    }
  }

  /** Claims of due work: due by now, earliest first, held until the claim times out. */
  @Nested
  class Claiming {
    @Test
    void claimDueTakesOnlyLeasesDueByNowEarliestFirst() {
      // Ids are in the opposite order to due times, so the order returned must come from dueAt.
      LeaseRecord neverDue = lease("orders-api", LeaseState.REVOKED).revokedAt(now.minusSeconds(1)).build();
      LeaseRecord dueInAnHour = lease("orders-api", LeaseState.ACTIVE)
          .dueAt(now.plus(Duration.ofHours(1))).build();
      LeaseRecord dueNextTick = lease("orders-api", LeaseState.ACTIVE).dueAt(now.plus(tick)).build();
      LeaseRecord dueNow = lease("orders-api", LeaseState.ACTIVE).dueAt(now).build();
      LeaseRecord dueAMinuteAgo = lease("billing-api", LeaseState.PENDING).dueAt(now.minusSeconds(60))
          .build();
      LeaseRecord dueLongAgo = lease("orders-api", LeaseState.ACTIVE).dueAt(now.minus(Duration.ofDays(3)))
          .build();
      insertShuffled(List.of(dueNextTick, dueNow, neverDue, dueLongAgo, dueInAnHour, dueAMinuteAgo));

      List<LeaseRecord> claimed = store.claimDue("node-a", now, CLAIM_TIMEOUT, 100);

      List<LeaseRecord> expected = List.of(claimedBy("node-a", dueLongAgo, now, CLAIM_TIMEOUT),
          claimedBy("node-a", dueAMinuteAgo, now, CLAIM_TIMEOUT),
          claimedBy("node-a", dueNow, now, CLAIM_TIMEOUT));
      assertLeases(expected, claimed);
      for (LeaseRecord lease : expected) {
        assertLease(lease, found(lease.id()));
      }
      for (LeaseRecord untouched : List.of(dueNextTick, dueInAnHour, neverDue)) {
        assertLease(untouched, found(untouched.id()));
      }
    }

    @Test
    void claimDueTakesAtMostTheLimitAndLeavesTheRestForTheNextCall() {
      List<LeaseRecord> due = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        due.add(lease("orders-api", LeaseState.ACTIVE).dueAt(now.minusSeconds(50 - i)).build());
      }
      insertShuffled(due);

      List<String> first = ids(store.claimDue("node-a", now, CLAIM_TIMEOUT, 2));
      List<String> second = ids(store.claimDue("node-b", now, CLAIM_TIMEOUT, 2));
      List<String> third = ids(store.claimDue("node-a", now, CLAIM_TIMEOUT, 2));
      List<String> fourth = ids(store.claimDue("node-b", now, CLAIM_TIMEOUT, 2));

      assertIds(ids(due.subList(0, 2)), first, "first claim");
      assertIds(ids(due.subList(2, 4)), second, "second claim");
      assertIds(ids(due.subList(4, 5)), third, "third claim");
      assertEquals(List.of(), fourth);
    }

    @Test
    void aClaimedLeaseIsNotClaimedAgainUntilItsClaimTimesOutThenAnotherNodeTakesItOver() {
      LeaseRecord lease = lease("orders-api", LeaseState.ACTIVE).dueAt(now.minusSeconds(1)).build();
      store.insert(lease);
      Duration timeout = Duration.ofSeconds(30);

      LeaseRecord claimedByA = single(store.claimDue("node-a", now, timeout, 10));
      assertLease(claimedBy("node-a", lease, now, timeout), claimedByA);

      Instant justBeforeTimeout = now.plus(timeout).minus(tick);
      assertEquals(List.of(), store.claimDue("node-b", now, timeout, 10));
      assertEquals(List.of(), store.claimDue("node-b", justBeforeTimeout, timeout, 10));
      assertEquals(List.of(), store.claimDue("node-a", justBeforeTimeout, timeout, 10));

      Instant timedOut = now.plus(timeout);
      LeaseRecord takenOver = single(store.claimDue("node-b", timedOut, timeout, 10));

      assertLease(claimedBy("node-b", claimedByA, timedOut, timeout), takenOver);
      assertEquals(2, takenOver.version());
      assertLease(takenOver, found(lease.id()));
    }

    @Test
    void leasesWithoutDueAtAreNeverClaimed() {
      LeaseRecord nothingToDo = lease("orders-api", LeaseState.REVOKED).revokedAt(now).dueAt(null).build();
      LeaseRecord failed = lease("orders-api", LeaseState.REVOCATION_FAILED).dueAt(null).build();
      store.insert(nothingToDo);
      store.insert(failed);

      Instant farFuture = now.plus(Duration.ofDays(365L * 100));
      assertEquals(List.of(), store.claimDue("node-a", farFuture, CLAIM_TIMEOUT, 10));

      assertLease(nothingToDo, found(nothingToDo.id()));
      assertLease(failed, found(failed.id()));
    }

    @Test
    void claimDueFollowsDueTimesThatUpdatesChange() {
      LeaseRecord laterMadeDue = lease("orders-api", LeaseState.ACTIVE)
          .dueAt(now.plus(Duration.ofHours(1))).build();
      LeaseRecord laterMadeNotDue = lease("orders-api", LeaseState.ACTIVE).dueAt(now.minusSeconds(10))
          .build();
      LeaseRecord laterFinished = lease("orders-api", LeaseState.ACTIVE).dueAt(now.minusSeconds(20))
          .build();
      LeaseRecord released = lease("orders-api", LeaseState.ACTIVE).dueAt(now.minusSeconds(30)).build();
      List.of(laterMadeDue, laterMadeNotDue, laterFinished, released).forEach(store::insert);

      // A claim taken and released with a new due time, as the engine does after a renewal.
      LeaseRecord claimed = single(store.claimDue("node-a", now.minusSeconds(25), CLAIM_TIMEOUT, 1));
      assertEquals(released.id(), claimed.id());
      store.update(claimed.toBuilder().claimedBy(null).dueAt(now.minusSeconds(5)).build());
      store.update(laterMadeDue.toBuilder().dueAt(now.minusSeconds(1)).build());
      store.update(laterMadeNotDue.toBuilder().dueAt(now.plus(Duration.ofHours(2))).build());
      store.update(revoke(laterFinished, now));

      List<LeaseRecord> due = store.claimDue("node-b", now, CLAIM_TIMEOUT, 10);

      assertIds(List.of(released.id(), laterMadeDue.id()), ids(due), "leases");
      assertEquals(List.of(3L, 2L), due.stream().map(LeaseRecord::version).toList());
    }
  }

  /** Counts of one secret's leases by state, following every change. */
  @Nested
  class Counting {
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
        active.add(lease("orders-api", LeaseState.ACTIVE).dueAt(now).build());
      }
      insertShuffled(active);
      for (LeaseRecord lease : active.subList(0, 4)) {
        store.update(revoke(lease, now.minus(Duration.ofDays(10))));
      }
      store.update(active.get(4).toBuilder().state(LeaseState.REVOCATION_FAILED).build());

      assertEquals(5, store.count("orders-api", Set.of(LeaseState.ACTIVE)));
      assertEquals(4, store.count("orders-api", Set.of(LeaseState.REVOKED)));
      assertEquals(1, store.count("orders-api", Set.of(LeaseState.REVOCATION_FAILED)));

      assertEquals(6, store.claimDue("node-a", now.plus(Duration.ofDays(1)), CLAIM_TIMEOUT, 100)
          .size());
      assertEquals(5, store.count("orders-api", Set.of(LeaseState.ACTIVE)), "after claims");

      assertEquals(4, store.purgeRevokedBefore(now, 100));
      assertEquals(0, store.count("orders-api", Set.of(LeaseState.REVOKED)), "after purge");
      assertEquals(6, store.count("orders-api", ALL_STATES), "after purge");
    }
  }

  /** The lease limit: insertWithinLimit counts and inserts in one step. */
  @Nested
  class Limits {
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

      store.update(revoke(live, now));

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
  }

  /** Purging history: only revoked leases revoked before the cutoff, a limited number per call. */
  @Nested
  class Purging {
    @Test
    void purgeDeletesOnlyRevokedLeasesRevokedBeforeTheCutoff() {
      Instant cutoff = now.minus(Duration.ofDays(30));
      LeaseRecord revokedLongAgo = lease("orders-api", LeaseState.REVOKED)
          .revokedAt(cutoff.minus(Duration.ofDays(9))).build();
      LeaseRecord revokedJustBefore = lease("billing-api", LeaseState.REVOKED)
          .revokedAt(cutoff.minus(tick)).build();
      LeaseRecord revokedAtCutoff = lease("orders-api", LeaseState.REVOKED).revokedAt(cutoff).build();
      LeaseRecord revokedRecently = lease("orders-api", LeaseState.REVOKED).revokedAt(now).build();
      LeaseRecord revokedWithoutTime = lease("orders-api", LeaseState.REVOKED).revokedAt(null).build();
      LeaseRecord failedLongAgo = lease("orders-api", LeaseState.REVOCATION_FAILED)
          .revokedAt(cutoff.minus(Duration.ofDays(9))).build();
      LeaseRecord active = lease("orders-api", LeaseState.ACTIVE).build();
      LeaseRecord pending = lease("orders-api", LeaseState.PENDING).build();
      insertShuffled(List.of(revokedLongAgo, revokedAtCutoff, revokedRecently, revokedWithoutTime,
          failedLongAgo, active, pending));
      // Revoked through an update rather than at insert: the purge must see that too.
      LeaseRecord revokedByUpdate = lease("orders-api", LeaseState.ACTIVE).dueAt(now).build();
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
      Instant cutoff = now.minus(Duration.ofDays(30));
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
          .revokedAt(now.minus(Duration.ofDays(90))).dueAt(now.minus(Duration.ofDays(90))).build();
      LeaseRecord active = lease("orders-api", LeaseState.ACTIVE).dueAt(now).build();
      store.insert(revoked);
      store.insert(active);

      assertEquals(1, store.purgeRevokedBefore(now, 10));

      assertIds(List.of(active.id()), ids(store.claimDue("node-a", now, CLAIM_TIMEOUT, 10)),
          "claimed");
      assertIds(List.of(active.id()), ids(store.query(LeaseQuery.all(10)).items()), "leases");
      assertThrows(NotFoundException.class, () -> store.update(revoked));
    }
  }

  /** Arguments that could never work are refused, naming the argument, and change nothing. */
  @Nested
  class BadInput {
    @Test
    void claimDueAndPurgeRejectLimitsAndTimeoutsThatCouldNeverWorkAndChangeNothing() {
      LeaseRecord due = lease("orders-api", LeaseState.REVOKED).revokedAt(now.minus(Duration.ofDays(9)))
          .dueAt(now.minusSeconds(1)).build();
      store.insert(due);

      assertRejected("limit", () -> store.claimDue("node-a", now, CLAIM_TIMEOUT, 0));
      assertRejected("claimTimeout", () -> store.claimDue("node-a", now, Duration.ZERO, 10));
      assertRejected("claimTimeout", () -> store.claimDue("node-a", now, Duration.ofSeconds(-1), 10));
      assertRejected("limit", () -> store.purgeRevokedBefore(now, 0));

      assertLease(due, found(due.id()));
    }
  }

  /** One store used from many threads at once, as the engine's workers do: races have one winner. */
  @Nested
  class Concurrency {
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

    /** Many nodes, several threads each, all claiming at once: each lease is claimed exactly once. */
    @Test
    void concurrentClaimsFromManyNodesClaimEachDueLeaseExactlyOnce() throws Exception {
      int leaseCount = 2_000;
      List<LeaseRecord> due = new ArrayList<>();
      for (int i = 0; i < leaseCount; i++) {
        due.add(lease(i % 2 == 0 ? "orders-api" : "billing-api", LeaseState.ACTIVE)
            .dueAt(now.minusMillis(random.nextInt(100_000)))
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
              && !(batch = store.claimDue(node, now, CLAIM_TIMEOUT, 25)).isEmpty()) {
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
          assertLease(claimedBy(node, dueById.get(claimed.id()), now, CLAIM_TIMEOUT), claimed);
          assertLease(claimed, found(claimed.id()));
        }
      }
      assertEquals(List.of(), store.claimDue("node-x", now, CLAIM_TIMEOUT, 10));
    }

    /**
     * The engine revokes a lease by an update while another node's sweep may be claiming it. For
     * each lease one of the two must win and the other must see that it lost: never both.
     */
    @Test
    void aClaimAndAnUpdateRacingForTheSameLeaseNeverBothWin() throws Exception {
      List<LeaseRecord> due = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        due.add(lease("orders-api", LeaseState.ACTIVE).dueAt(now.minusMillis(i)).build());
      }
      insertShuffled(due);

      Callable<List<LeaseRecord>> sweep = () -> {
        List<LeaseRecord> claimed = new ArrayList<>();
        List<LeaseRecord> batch;
        while (claimed.size() <= due.size()
            && !(batch = store.claimDue("sweeper", now, CLAIM_TIMEOUT, 7)).isEmpty()) {
          claimed.addAll(batch);
        }
        return claimed;
      };
      // The sweep takes the earliest due first, the revoker goes latest first: they meet midway.
      Callable<List<LeaseRecord>> revoker = () -> {
        List<LeaseRecord> updated = new ArrayList<>();
        for (LeaseRecord lease : due) {
          try {
            updated.add(store.update(revoke(lease, now)));
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
  }

  /**
   * Several store instances over one storage, as several application instances open it: what one
   * writes the others see, and compare-and-set, claims and the lease limit hold across them.
   * Skipped when the store declares {@link Capability#SHARED_STORAGE} unsupported.
   */
  @Nested
  class SharedStorage {
    private LeaseStore other;

    @BeforeEach
    void openSecondStore() {
      requires(Capability.SHARED_STORAGE);
      other = newStoreOnSameStorage();
      otherStores.add(other);
    }

    @Test
    void whatOneInstanceWritesTheOtherFindsListsCountsAndPurges() {
      LeaseRecord lease = lease("orders-api", LeaseState.ACTIVE).build();
      LeaseRecord old = lease("orders-api", LeaseState.REVOKED)
          .revokedAt(now.minus(Duration.ofDays(90))).build();
      store.insert(lease);
      other.insert(old);

      assertLease(lease, other.find(lease.id()).orElseThrow(
          () -> new AssertionError("the second store does not find the first one's lease")));
      assertLease(old, found(old.id()));
      assertIds(sortedIds(List.of(lease, old)), ids(other.query(LeaseQuery.all(10)).items()),
          "leases listed by the second store");
      assertEquals(2, other.count("orders-api", ALL_STATES));

      assertEquals(1, other.purgeRevokedBefore(now.minus(Duration.ofDays(1)), 10));
      assertEquals(Optional.empty(), store.find(old.id()), "purged through the second store");
    }

    @Test
    void compareAndSetHoldsAcrossInstances() {
      LeaseRecord original = lease("orders-api", LeaseState.ACTIVE).build();
      store.insert(original);

      LeaseRecord renewed = other.update(original.toBuilder().renewedAt(now).build());

      LeaseRecord stale = original.toBuilder()
          .state(LeaseState.REVOKED).revokedAt(now).revokeReason(RevokeReason.MANUAL).build();
      assertThrows(ConflictException.class, () -> store.update(stale), "stale through the first");
      assertThrows(ConflictException.class, () -> other.insert(original), "insert of a stored id");
      assertLease(renewed, found(original.id()));
      assertLease(renewed, other.find(original.id()).orElseThrow());
    }

    /** Two application instances, two worker threads each, claiming at once: exactly once each. */
    @Test
    void concurrentClaimsThroughSeveralInstancesClaimEachDueLeaseExactlyOnce() throws Exception {
      int leaseCount = 200;
      List<LeaseRecord> due = new ArrayList<>();
      for (int i = 0; i < leaseCount; i++) {
        due.add(lease("orders-api", LeaseState.ACTIVE)
            .dueAt(now.minusMillis(random.nextInt(100_000))).build());
      }
      insertShuffled(due);

      List<Callable<List<LeaseRecord>>> claimers = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        LeaseStore instance = t % 2 == 0 ? store : other;
        String node = t % 2 == 0 ? "node-a" : "node-b";
        claimers.add(() -> {
          List<LeaseRecord> mine = new ArrayList<>();
          List<LeaseRecord> batch;
          // Bounded, so that a store which hands out leases forever fails instead of hanging.
          while (mine.size() <= leaseCount
              && !(batch = instance.claimDue(node, now, CLAIM_TIMEOUT, 10)).isEmpty()) {
            mine.addAll(batch);
          }
          return mine;
        });
      }
      List<List<LeaseRecord>> results = runTogether(claimers);

      Map<String, Integer> timesClaimed = new HashMap<>();
      results.forEach(r -> r.forEach(l -> timesClaimed.merge(l.id(), 1, Integer::sum)));
      assertIds(sortedIds(due), timesClaimed.keySet().stream().sorted().toList(), "leases claimed");
      Map<String, Integer> claimedTwice = new LinkedHashMap<>(timesClaimed);
      claimedTwice.values().removeIf(n -> n == 1);
      assertEquals(Map.of(), claimedTwice, "leases claimed more than once");
      assertEquals(List.of(), other.claimDue("node-x", now, CLAIM_TIMEOUT, 10));
    }

    /** Creates on two instances at once never pass a dynamic secret's lease limit together. */
    @Test
    void concurrentInsertsWithinLimitThroughSeveralInstancesNeverPassIt() throws Exception {
      int limit = 25;
      List<Callable<List<String>>> tasks = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        LeaseStore instance = t % 2 == 0 ? store : other;
        List<LeaseRecord> mine = leases("orders-api", LeaseState.PENDING, 10);
        tasks.add(() -> {
          List<String> stored = new ArrayList<>();
          for (LeaseRecord lease : mine) {
            if (instance.insertWithinLimit(lease, LIVE, limit)) {
              stored.add(lease.id());
            }
          }
          return stored;
        });
      }

      List<String> reported = runTogether(tasks).stream().flatMap(List::stream).sorted().toList();

      assertEquals(limit, reported.size(), "inserts reported as stored");
      assertIds(reported, ids(other.query(LeaseQuery.bySecret("orders-api", 1_000)).items()),
          "leases of orders-api stored");
    }
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
        .createdAt(now.minus(Duration.ofHours(1)))
        .expiresAt(now.plus(Duration.ofHours(1)))
        .hardLimitAt(now.plus(Duration.ofHours(8)));
    if (state != LeaseState.PENDING) {
      builder.externalId("cred-" + id.substring(24))
          .metadata(Map.of("credentialName", "dynsecret-" + id));
    }
    if (state == LeaseState.REVOKED) {
      builder.revokedAt(now.minus(Duration.ofMinutes(1))).revokeReason(RevokeReason.EXPIRED)
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
        builder.dueAt(now.plusSeconds(random.nextInt(7200) - 3600));
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

  /** {@code actual} is less than {@code unit} away from {@code expected}. */
  private static void assertWithin(Duration unit, Instant expected, Instant actual, String field) {
    Duration off = Duration.between(expected, actual).abs();
    assertTrue(off.compareTo(unit) < 0,
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
