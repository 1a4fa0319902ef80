package dev.dynsecret.memory;

import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.dynsecret.spi.LeaseRecord;
import dev.dynsecret.LeaseState;
import dev.dynsecret.StoreException;
import dev.dynsecret.LeaseQuery;
import dev.dynsecret.spi.LeaseStore;
import dev.dynsecret.testkit.LeaseStoreContract;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The memory store against the contract every store must meet, plus its own close behaviour. */
class MemoryLeaseStoreTest extends LeaseStoreContract {

  @Override
  protected LeaseStore newStore() {
    return new MemoryLeaseStore();
  }

  /** Its leases live in its own heap: one store object, one application instance. */
  @Override
  protected Set<Capability> unsupported() {
    return EnumSet.of(Capability.SHARED_STORAGE);
  }

  @Test
  void aClosedStoreRefusesEveryCall() {
    MemoryLeaseStore store = new MemoryLeaseStore();
    Instant now = Instant.parse("2031-05-06T07:08:09Z");
    LeaseRecord lease = LeaseRecord.builder().id(UUID.randomUUID().toString()).secretName("orders-api")
        .state(LeaseState.ACTIVE).createdAt(now).expiresAt(now).hardLimitAt(now).build();
    store.insert(lease);

    store.close();

    assertThrows(StoreException.class, () -> store.find(lease.id()));
    assertThrows(StoreException.class, () -> store.insert(lease));
    assertThrows(StoreException.class, () -> store.update(lease));
    assertThrows(StoreException.class, () -> store.query(LeaseQuery.all(10)));
    assertThrows(StoreException.class, () -> store.count("orders-api", Set.of(LeaseState.ACTIVE)));
    assertThrows(StoreException.class,
        () -> store.claimDue("node-a", now, java.time.Duration.ofMinutes(1), 10));
    assertThrows(StoreException.class, () -> store.purgeRevokedBefore(now, 10));
  }
}
