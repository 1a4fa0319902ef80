package dev.dynsecret.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.dynsecret.ConflictException;
import dev.dynsecret.spi.LeaseRecord;
import dev.dynsecret.LeaseState;
import dev.dynsecret.RevokeReason;
import dev.dynsecret.LeaseQuery;
import dev.dynsecret.Page;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The store keeps canonical lowercase UUID ids (and external ids) in a compact form and any other
 * id as given, and times as nanoseconds unless one is too far out for that. These tests mix the
 * forms in one store: every lease must come back exactly as stored, and every order must be the
 * order of the ids' strings and of the times, as the contract promises for any id and any time.
 */
class MemoryLeaseStoreCompactFormTest {
  private static final Instant NOW = Instant.parse("2031-05-06T07:08:09.123456789Z");

  /** Ids of every shape: canonical UUIDs (high bit set or not), near-UUIDs, plain strings. */
  private static final List<String> IDS = List.of(
      "01890a5d-ac96-774b-bcce-b302099a8057",
      "ffffffff-ffff-ffff-ffff-ffffffffffff",
      "00000000-0000-0000-0000-000000000000",
      "80000000-0000-0000-8000-000000000000",
      "7fffffff-ffff-ffff-7fff-ffffffffffff",
      "01890A5D-AC96-774B-BCCE-B302099A8057", // upper case: not canonical
      "01890a5d-ac96-774b-bcce-b302099a805", // one digit short
      "01890a5d-ac96-774b-bcce-b302099a8057x",
      "01890a5dxac96-774b-bcce-b302099a8057",
      "01890a5d-ac96-774b-bcce-b302099a805g",
      "{01890a5d-ac96-774b-bcce-b302099a8057}",
      "01890a5d",
      "01890a5d-ac96-774b-bcce-b302099a8057-",
      "lease-1",
      "LeaseRecord-2",
      "ä-lease",
      "",
      "-",
      "zzz");

  private final MemoryLeaseStore store = new MemoryLeaseStore();

  private static LeaseRecord lease(String id, String secret, Instant due) {
    return LeaseRecord.builder()
        .id(id)
        .secretName(secret)
        .externalId(id.isEmpty() ? "ext" : id.length() % 2 == 0 ? UUID.randomUUID().toString() : id)
        .state(LeaseState.ACTIVE)
        .createdAt(NOW)
        .expiresAt(NOW.plusSeconds(3600))
        .hardLimitAt(NOW.plusSeconds(7200))
        .metadata(Map.of("credentialName", "dynsecret-" + id, "appId",
            "8D2F4C6E-0A1B-4C3D-9E5F-7A8B9C0D1E2F", "owner", "7a8b9c0d-0a1b-4c3d-9e5f-8d2f4c6e1e2f"))
        .version(1)
        .dueAt(due)
        .build();
  }

  @Test
  void everyIdFormRoundTripsExactly() {
    List<LeaseRecord> leases = new ArrayList<>();
    for (String id : IDS) {
      LeaseRecord lease = lease(id, "orders-api", NOW);
      store.insert(lease);
      leases.add(lease);
    }
    for (LeaseRecord lease : leases) {
      assertEquals(lease, store.find(lease.id()).orElseThrow(), lease.id());
    }
    assertEquals(java.util.Optional.empty(), store.find("01890a5d-ac96-774b-bcce-b302099a8058"));
    assertEquals(java.util.Optional.empty(), store.find("01890A5D-AC96-774B-BCCE-B302099A8058"));
  }

  @Test
  void aUuidAndItsUpperCaseSpellingAreDifferentLeases() {
    store.insert(lease("01890a5d-ac96-774b-bcce-b302099a8057", "orders-api", null));
    store.insert(lease("01890A5D-AC96-774B-BCCE-B302099A8057", "orders-api", null));

    assertThrows(ConflictException.class,
        () -> store.insert(lease("01890a5d-ac96-774b-bcce-b302099a8057", "orders-api", null)));
    assertEquals(2, store.query(LeaseQuery.all(10)).items().size());
  }

  @Test
  void queriesPageInStringOrderAcrossIdFormsAndSecrets() {
    Random random = new Random(42);
    List<String> ids = new ArrayList<>(IDS);
    for (int i = 0; i < 200; i++) {
      String uuid = new UUID(random.nextLong(), random.nextLong()).toString();
      ids.add(i % 3 == 0 ? uuid.toUpperCase(java.util.Locale.ROOT) : uuid);
    }
    for (int i = 0; i < ids.size(); i++) {
      store.insert(lease(ids.get(i), i % 2 == 0 ? "orders-api" : "billing-api", null));
    }
    List<String> expected = ids.stream().sorted().collect(Collectors.toList());

    assertEquals(expected, pagedIds(null));
    assertEquals(expected.stream().filter(id -> ids.indexOf(id) % 2 == 1)
        .collect(Collectors.toList()), pagedIds("billing-api"));
  }

  @Test
  void aCursorNeedNotBeAStoredId() {
    for (String id : IDS) {
      store.insert(lease(id, "orders-api", null));
    }
    for (String after : List.of("01890a5d-ac96-774b-bcce-b302099a8056", "5", "Z", "g")) {
      List<String> expected = IDS.stream().filter(id -> id.compareTo(after) > 0).sorted()
          .collect(Collectors.toList());
      assertEquals(expected, ids(store.query(LeaseQuery.all(100).after(after)).items()), after);
    }
  }

  @Test
  void equallyDueLeasesAreClaimedAndPurgedInStringOrderOfTheirIds() {
    for (String id : IDS) {
      store.insert(lease(id, "orders-api", NOW));
    }
    List<String> expected = IDS.stream().sorted().collect(Collectors.toList());

    List<LeaseRecord> claimed = store.claimDue("node-a", NOW, Duration.ofMinutes(1), 100);
    assertEquals(expected, ids(claimed));

    for (LeaseRecord lease : claimed) {
      store.update(lease.toBuilder().state(LeaseState.REVOKED).revokedAt(NOW)
          .revokeReason(RevokeReason.EXPIRED).dueAt(null).claimedBy(null).build());
    }
    assertEquals(IDS.size(), store.purgeRevokedBefore(NOW.plusNanos(1), 100));
    assertEquals(List.of(), store.query(LeaseQuery.all(100)).items());
  }

  private List<String> pagedIds(String secret) {
    List<String> seen = new ArrayList<>();
    String after = null;
    do {
      LeaseQuery query = secret == null ? LeaseQuery.all(7) : LeaseQuery.bySecret(secret, 7);
      Page<LeaseRecord> page = store.query(after == null ? query : query.after(after));
      seen.addAll(ids(page.items()));
      after = page.nextCursor();
    } while (after != null);
    return seen;
  }

  private static List<String> ids(List<LeaseRecord> leases) {
    return leases.stream().map(LeaseRecord::id).collect(Collectors.toList());
  }

  @Test
  void timesTooFarOutForNanosecondsRoundTripAndAreClaimedInOrder() {
    Instant[] dues = {
        Instant.MIN, Instant.parse("1600-01-01T00:00:00.000000001Z"), Instant.EPOCH.minusNanos(1),
        Instant.EPOCH, NOW, Instant.parse("2262-04-11T23:47:16.854775807Z"),
        Instant.parse("3000-01-01T00:00:00Z"), Instant.MAX};
    List<LeaseRecord> leases = new ArrayList<>();
    for (int i = 0; i < dues.length; i++) {
      // Ids in the reverse order of the times, so the claim order can only come from dueAt;
      // leases with every time in range (i = 3) sit among leases with one out of range.
      LeaseRecord lease = lease("lease-" + (9 - i), "orders-api", dues[i]).toBuilder()
          .createdAt(dues[dues.length - 1 - i]).expiresAt(i % 2 == 0 ? Instant.MAX : NOW)
          .hardLimitAt(NOW).build();
      store.insert(lease);
      leases.add(lease);
    }
    LeaseRecord farOnlyInCreatedAt = lease("lease-far-created", "orders-api", null).toBuilder()
        .createdAt(Instant.MIN).build();
    store.insert(farOnlyInCreatedAt);
    leases.add(farOnlyInCreatedAt);

    for (LeaseRecord lease : leases) {
      assertEquals(lease, store.find(lease.id()).orElseThrow(), lease.id());
    }
    // Claims re-file a lease as due when the claim times out; here only after the year 3000.
    Duration claimPast3000 = Duration.ofDays(800_000);
    List<LeaseRecord> claimed = store.claimDue("node-a", NOW, claimPast3000, 100);
    assertEquals(ids(leases.subList(0, 5)), ids(claimed));
    assertEquals(0, store.claimDue("node-a", Instant.parse("2262-04-11T23:47:16.854775806Z"),
        claimPast3000, 100).size());
    assertEquals(List.of("lease-4"), ids(store.claimDue("node-a",
        Instant.parse("2262-04-11T23:47:16.854775807Z"), claimPast3000, 100)));
    assertEquals(List.of("lease-3"), ids(store.claimDue("node-a",
        Instant.parse("3000-01-01T00:00:00Z"), claimPast3000, 100)));
  }
}
