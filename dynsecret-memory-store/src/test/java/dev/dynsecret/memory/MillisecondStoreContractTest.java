package dev.dynsecret.memory;

import dev.dynsecret.LeaseQuery;
import dev.dynsecret.LeaseState;
import dev.dynsecret.Page;
import dev.dynsecret.spi.LeaseRecord;
import dev.dynsecret.spi.LeaseStore;
import dev.dynsecret.testkit.LeaseStoreContract;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The contract's opt-out for {@link LeaseStoreContract.Capability#MICROSECOND_INSTANTS}, shown on
 * a store that keeps milliseconds only (the memory store behind a wrapper that truncates every
 * instant written, as an epoch-millisecond column would): with the capability declared
 * unsupported, every other test of the contract still runs and passes.
 */
class MillisecondStoreContractTest extends LeaseStoreContract {

  @Override
  protected LeaseStore newStore() {
    return new MillisecondStore(new MemoryLeaseStore());
  }

  @Override
  protected Set<Capability> unsupported() {
    return EnumSet.of(Capability.MICROSECOND_INSTANTS, Capability.SHARED_STORAGE);
  }

  /** Keeps every instant to the millisecond, truncating finer digits on the way in. */
  private record MillisecondStore(LeaseStore delegate) implements LeaseStore {
    private static Instant ms(Instant instant) {
      return instant == null ? null : instant.truncatedTo(ChronoUnit.MILLIS);
    }

    private static LeaseRecord ms(LeaseRecord lease) {
      return lease.toBuilder()
          .createdAt(ms(lease.createdAt())).expiresAt(ms(lease.expiresAt()))
          .hardLimitAt(ms(lease.hardLimitAt())).renewedAt(ms(lease.renewedAt()))
          .revokedAt(ms(lease.revokedAt())).nextAttemptAt(ms(lease.nextAttemptAt()))
          .dueAt(ms(lease.dueAt()))
          .build();
    }

    @Override
    public void insert(LeaseRecord lease) {
      delegate.insert(ms(lease));
    }

    @Override
    public boolean insertWithinLimit(LeaseRecord lease, Set<LeaseState> counted, long limit) {
      return delegate.insertWithinLimit(ms(lease), counted, limit);
    }

    @Override
    public Optional<LeaseRecord> find(String id) {
      return delegate.find(id);
    }

    @Override
    public LeaseRecord update(LeaseRecord lease) {
      return delegate.update(ms(lease));
    }

    @Override
    public Page<LeaseRecord> query(LeaseQuery query) {
      return delegate.query(query);
    }

    @Override
    public List<LeaseRecord> claimDue(String nodeId, Instant now, Duration claimTimeout, int limit) {
      return delegate.claimDue(nodeId, ms(now), claimTimeout, limit);
    }

    @Override
    public long count(String secretName, Set<LeaseState> states) {
      return delegate.count(secretName, states);
    }

    @Override
    public int purgeRevokedBefore(Instant cutoff, int limit) {
      return delegate.purgeRevokedBefore(ms(cutoff), limit);
    }

    @Override
    public void close() {
      delegate.close();
    }
  }
}
