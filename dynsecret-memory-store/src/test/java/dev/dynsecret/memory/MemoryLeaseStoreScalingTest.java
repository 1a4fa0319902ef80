package dev.dynsecret.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynsecret.spi.LeaseRecord;
import dev.dynsecret.LeaseState;
import dev.dynsecret.RevokeReason;
import dev.dynsecret.LeaseQuery;
import dev.dynsecret.Page;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The store's work grows with what an operation returns, not with what is stored. Proved
 * structurally, by counting the index entries each operation looks at in a store holding a
 * million leases, not by timing (timing belongs to benchmarks).
 */
class MemoryLeaseStoreScalingTest {
  private static final int STORED = 1_000_000;
  private static final int FEW = 10;
  private static final Instant NOW = Instant.parse("2031-05-06T07:08:09.123456Z");
  private static final Instant PURGE_CUTOFF = NOW.minus(Duration.ofDays(30));

  private static MemoryLeaseStore store;
  private static long activeBulkLeases;

  /**
   * A million leases of "bulk-api": most active and due in the future, a third revoked recently
   * (inside the retention period). Among them a few that are due now, a few revoked long ago, and
   * a few of another secret.
   */
  @BeforeAll
  static void storeAMillionLeases() {
    store = new MemoryLeaseStore();
    SplittableRandom random = new SplittableRandom(1);
    long idMillis = NOW.minus(Duration.ofDays(1)).toEpochMilli();
    Instant createdAt = NOW.minus(Duration.ofHours(1));
    Instant expiresAt = NOW.plus(Duration.ofHours(1));
    Instant hardLimitAt = NOW.plus(Duration.ofHours(8));
    Instant revokedRecently = NOW.minus(Duration.ofHours(1));
    int bulk = STORED - 3 * FEW;
    for (int i = 0; i < STORED; i++) {
      idMillis += random.nextInt(2);
      long msb = (idMillis << 16) | 0x7000L | (random.nextLong() & 0x0FFFL);
      long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
      LeaseRecord.Builder lease = LeaseRecord.builder()
          .id(new UUID(msb, lsb).toString())
          .secretName("bulk-api")
          .state(LeaseState.ACTIVE)
          .createdAt(createdAt)
          .expiresAt(expiresAt)
          .hardLimitAt(hardLimitAt);
      if (i < bulk) {
        if (i % 3 == 0) {
          lease.state(LeaseState.REVOKED).revokedAt(revokedRecently)
              .revokeReason(RevokeReason.EXPIRED);
        } else {
          lease.dueAt(expiresAt.plusMillis(i));
        }
      } else if (i < bulk + FEW) {
        lease.dueAt(NOW.minusSeconds(i - bulk));
      } else if (i < bulk + 2 * FEW) {
        lease.state(LeaseState.REVOKED).revokedAt(PURGE_CUTOFF.minus(Duration.ofDays(i - bulk)))
            .revokeReason(RevokeReason.EXPIRED);
      } else {
        lease.secretName("small-api").dueAt(expiresAt);
      }
      LeaseRecord built = lease.build();
      store.insert(built);
      if (built.secretName().equals("bulk-api") && built.state() == LeaseState.ACTIVE) {
        activeBulkLeases++;
      }
    }
  }

  @AfterAll
  static void close() {
    store.close();
  }

  @Test
  void claimingTheFewDueLeasesLooksAtAboutAsManyIndexEntries() {
    long before = store.dueEntriesExamined();

    List<LeaseRecord> claimed = store.claimDue("node-a", NOW, Duration.ofMinutes(5), 1000);

    long examined = store.dueEntriesExamined() - before;
    assertEquals(FEW, claimed.size());
    // The due ones, plus the first that is not due yet, which ends the walk.
    assertTrue(examined <= FEW + 1,
        "examined " + examined + " due-index entries among " + STORED + " leases");
  }

  @Test
  void purgingTheFewOldRevokedLeasesLooksAtAboutAsManyIndexEntries() {
    long before = store.revokedEntriesExamined();

    int purged = store.purgeRevokedBefore(PURGE_CUTOFF, 1000);

    long examined = store.revokedEntriesExamined() - before;
    assertEquals(FEW, purged);
    // There are over 330,000 revoked leases; only the old ones and the next one are looked at.
    assertTrue(examined <= FEW + 1, "examined " + examined + " revoked-index entries");
  }

  @Test
  void listingASmallSecretLooksOnlyAtItsOwnLeases() {
    long before = store.idEntriesExamined();

    Page<LeaseRecord> page = store.query(LeaseQuery.bySecret("small-api", 100));

    long examined = store.idEntriesExamined() - before;
    assertEquals(FEW, page.items().size());
    assertTrue(examined <= FEW, "examined " + examined + " id-index entries");
  }

  @Test
  void aPageOfALargeSecretLooksAtOnePageOfEntries() {
    Page<LeaseRecord> first = store.query(LeaseQuery.bySecret("bulk-api", 50));
    long before = store.idEntriesExamined();

    Page<LeaseRecord> second = store.query(LeaseQuery.bySecret("bulk-api", 50).after(first.nextCursor()));

    long examined = store.idEntriesExamined() - before;
    assertEquals(50, second.items().size());
    // One more than the page, to learn whether another page follows.
    assertTrue(examined <= 51, "examined " + examined + " id-index entries");
  }

  @Test
  void countsStayExactAtAMillionLeases() {
    assertEquals(FEW, store.count("small-api", Set.of(LeaseState.ACTIVE)));
    assertEquals(activeBulkLeases, store.count("bulk-api", Set.of(LeaseState.ACTIVE)));
  }
}
