package dev.dynsecret.memory;

import dev.dynsecret.ConflictException;
import dev.dynsecret.InvalidRequestException;
import dev.dynsecret.spi.LeaseRecord;
import dev.dynsecret.LeaseState;
import dev.dynsecret.NotFoundException;
import dev.dynsecret.StoreException;
import dev.dynsecret.LeaseQuery;
import dev.dynsecret.spi.LeaseStore;
import dev.dynsecret.Page;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NavigableSet;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * A {@link LeaseStore} that keeps leases in memory: the embedded default for a single application
 * instance, and for tests. Leases are lost when the process ends, so a lease whose credential was
 * not revoked before then stays alive at the provider; use a persistent store when that matters.
 *
 * <p>Safe for any number of threads. {@link #find}, {@link #query} and {@link #count} never block;
 * writes ({@link #insert}, {@link #update}, {@link #claimDue}, {@link #purgeRevokedBefore}) take
 * turns through one short critical section, which only touches in-memory indexes. Indexes keep
 * the cost of each operation in proportion to the leases it returns or changes (times {@code
 * log n} for n stored leases), not to the leases stored:
 *
 * <ul>
 *   <li>{@code claimDue} walks an index ordered by {@code (dueAt, id)} from its start, and stops
 *       at the first lease not yet due;
 *   <li>{@code purgeRevokedBefore} walks an index of revoked leases ordered by {@code revokedAt};
 *   <li>{@code count} reads per-secret, per-state counters;
 *   <li>{@code query} walks the sorted ids of one secret (or of every secret, merged) from the
 *       cursor. A state filter is applied as it walks, so a query for a rare state also looks at
 *       the leases it skips;
 *   <li>a lease is found by id in a hash map, at the same cost whatever the number stored.
 * </ul>
 *
 * <p>Leases are kept in a compact form ({@code StoredLease}) and rebuilt on every read: about 220
 * bytes of heap per active lease with no external id or metadata, about 290 with an APIC-shaped
 * external id and credential name (measured in {@code docs/benchmarks.md}). Ids that are canonical
 * lowercase UUIDs, as the engine's are, take the least room; any other id works the same.
 *
 * <p>{@link #close()} discards every lease; a closed store rejects further use.
 */
public final class MemoryLeaseStore implements LeaseStore {
  private static final LeaseState[] STATES = LeaseState.values();

  /**
   * Every stored lease by id, in the compact form of {@link StoredLease}; reads need no lock. A
   * hash map: finding a lease by id costs the same with a million stored as with ten (a sorted map
   * costs a cache miss per level, about twenty at a million). Id order comes from the secrets'
   * sorted id sets. Keyed by {@link LeaseId}: a UUID id weighs 32 bytes there, not 80 as a string.
   */
  private final ConcurrentHashMap<LeaseId, StoredLease> leases = new ConcurrentHashMap<>();

  private final ConcurrentMap<String, SecretIndex> secrets = new ConcurrentHashMap<>();

  /** Leases with a {@code dueAt}, earliest first. Used under the write lock only. */
  private final NavigableSet<StoredLease> due = new ConcurrentSkipListSet<>(StoredLease.BY_DUE_AT);

  /** {@code REVOKED} leases with a {@code revokedAt}, oldest first. Used under the write lock only. */
  private final NavigableSet<StoredLease> revoked =
      new ConcurrentSkipListSet<>(StoredLease.BY_REVOKED_AT);

  private final ReentrantLock writeLock = new ReentrantLock();
  private volatile boolean closed;

  // Index entries looked at, so tests can prove the cost structurally rather than by timing.
  private long dueEntriesExamined;
  private long revokedEntriesExamined;
  private final LongAdder idEntriesExamined = new LongAdder();

  /** An empty store. */
  public MemoryLeaseStore() {}

  /**
   * The ids of one secret's leases, and how many of them are in each state. The counters are an
   * array replaced whole on every change, so a reader always sees one consistent set of counts.
   */
  private static final class SecretIndex {
    /** The secret's name; stored leases share this instance rather than keeping copies. */
    final String name;

    /** The same {@link LeaseId} instances as the stored leases. */
    final ConcurrentSkipListSet<LeaseId> ids = new ConcurrentSkipListSet<>();
    volatile long[] countsByState = new long[STATES.length];

    SecretIndex(String name) {
      this.name = name;
    }

    /** Called under the write lock only. */
    void add(LeaseId id, LeaseState state) {
      ids.add(id);
      adjust(state, 1);
    }

    /** Called under the write lock only. */
    void remove(LeaseId id, LeaseState state) {
      ids.remove(id);
      adjust(state, -1);
    }

    /** A lease changed state. Called under the write lock only. */
    void move(LeaseState from, LeaseState to) {
      long[] counts = countsByState.clone();
      counts[from.ordinal()]--;
      counts[to.ordinal()]++;
      countsByState = counts; // both changes become visible together
    }

    /** Called under the write lock only. */
    private void adjust(LeaseState state, int delta) {
      long[] counts = countsByState.clone();
      counts[state.ordinal()] += delta;
      countsByState = counts;
    }
  }

  @Override
  public void insert(LeaseRecord lease) {
    require(lease, "lease");
    writeLock.lock();
    try {
      ensureOpen();
      store(lease);
    } finally {
      writeLock.unlock();
    }
  }

  /** {@inheritDoc} Counted and stored under the write lock, which every insert takes. */
  @Override
  public boolean insertWithinLimit(LeaseRecord lease, Set<LeaseState> counted, long limit) {
    require(lease, "lease");
    require(counted, "counted");
    requirePositive(limit, "limit");
    writeLock.lock();
    try {
      ensureOpen();
      if (count(lease.secretName(), counted) >= limit) {
        return false;
      }
      store(lease);
      return true;
    } finally {
      writeLock.unlock();
    }
  }

  /** Adds a new lease and indexes it. Called under the write lock only. */
  private void store(LeaseRecord lease) {
    LeaseId id = LeaseId.of(lease.id());
    if (leases.containsKey(id)) {
      throw new ConflictException("a lease with id '" + lease.id() + "' is stored already");
    }
    SecretIndex secret = secrets.computeIfAbsent(lease.secretName(), SecretIndex::new);
    // One String instance of the name is shared by all its leases.
    StoredLease stored = new StoredLease(lease, id, secret.name);
    leases.put(stored.id, stored);
    secret.add(stored.id, stored.state);
    index(stored);
  }

  @Override
  public Optional<LeaseRecord> find(String id) {
    require(id, "id");
    ensureOpen();
    StoredLease stored = leases.get(LeaseId.of(id));
    return stored == null ? Optional.empty() : Optional.of(stored.toLease());
  }

  @Override
  public LeaseRecord update(LeaseRecord lease) {
    require(lease, "lease");
    writeLock.lock();
    try {
      ensureOpen();
      StoredLease current = leases.get(LeaseId.of(lease.id()));
      if (current == null) {
        throw new NotFoundException("no lease with id '" + lease.id() + "'");
      }
      if (current.version != lease.version()) {
        throw new ConflictException("lease " + lease.id() + " changed meanwhile: version "
            + lease.version() + " was read, version " + current.version + " is stored");
      }
      return replace(current, lease.toBuilder().version(lease.version() + 1));
    } finally {
      writeLock.unlock();
    }
  }

  /**
   * Stores {@code next} in place of {@code current} and keeps every index in step. Shares the id
   * and secret name instances already stored, so a million updates leave no copies behind.
   * Called under the write lock only.
   */
  private LeaseRecord replace(StoredLease current, LeaseRecord.Builder next) {
    SecretIndex secret = secrets.get(current.secretName);
    LeaseRecord candidate = next.id(current.id.toString()).build();
    if (!candidate.secretName().equals(secret.name)) {
      // Stores do not judge lease changes; a changed secret name simply moves the lease.
      secret.remove(current.id, current.state);
      secret = secrets.computeIfAbsent(candidate.secretName(), SecretIndex::new);
      secret.add(current.id, candidate.state());
    } else if (candidate.state() != current.state) {
      secret.move(current.state, candidate.state());
    }
    StoredLease stored = new StoredLease(candidate, current.id, secret.name);
    unindex(current);
    leases.put(stored.id, stored);
    index(stored);
    return candidate;
  }

  /** Adds the lease to the due and revoked indexes it belongs in. Under the write lock only. */
  private void index(StoredLease lease) {
    if (lease.hasDueAt()) {
      due.add(lease);
    }
    if (lease.state == LeaseState.REVOKED && lease.revokedAt() != null) {
      revoked.add(lease);
    }
  }

  /** Removes the lease from the due and revoked indexes. Under the write lock only. */
  private void unindex(StoredLease lease) {
    if (lease.hasDueAt()) {
      due.remove(lease);
    }
    if (lease.state == LeaseState.REVOKED && lease.revokedAt() != null) {
      revoked.remove(lease);
    }
  }

  @Override
  public Page<LeaseRecord> query(LeaseQuery query) {
    require(query, "query");
    ensureOpen();
    List<NavigableSet<LeaseId>> sets = new ArrayList<>();
    if (query.secretName() == null) {
      secrets.values().forEach(secret -> sets.add(secret.ids));
    } else {
      SecretIndex secret = secrets.get(query.secretName());
      if (secret == null) {
        return new Page<>(List.of(), null);
      }
      sets.add(secret.ids);
    }
    if (query.afterId() != null) {
      LeaseId after = LeaseId.of(query.afterId());
      sets.replaceAll(ids -> ids.tailSet(after, false));
    }
    Iterator<LeaseId> ids = sets.size() == 1 ? sets.get(0).iterator() : new MergedIds(sets);
    // One lease more than asked for tells whether another page follows.
    List<LeaseRecord> items = new ArrayList<>(Math.min(query.limit() + 1, 256));
    long examined = 0;
    for (Iterator<LeaseId> it = ids; it.hasNext() && items.size() <= query.limit(); ) {
      examined++;
      StoredLease lease = leases.get(it.next());
      // Null when purged after its id was read; re-checked because the lease may have changed.
      if (lease != null && query.matches(lease.secretName, lease.state)) {
        items.add(lease.toLease());
      }
    }
    idEntriesExamined.add(examined);
    if (items.size() <= query.limit()) {
      return new Page<>(items, null);
    }
    List<LeaseRecord> page = items.subList(0, query.limit());
    return new Page<>(page, page.get(page.size() - 1).id());
  }

  /**
   * The ids of several secrets in one ascending order: a merge of their sorted sets, each read
   * only as far as the page needs. An id seen twice in a row (a lease moving between secrets while
   * the query runs) is returned once.
   */
  private static final class MergedIds implements Iterator<LeaseId> {
    private record Head(LeaseId id, Iterator<LeaseId> rest) {}

    private final PriorityQueue<Head> heads = new PriorityQueue<>(Comparator.comparing(Head::id));
    private LeaseId last;

    MergedIds(List<NavigableSet<LeaseId>> sets) {
      sets.forEach(set -> advance(set.iterator()));
    }

    private void advance(Iterator<LeaseId> it) {
      if (it.hasNext()) {
        heads.add(new Head(it.next(), it));
      }
    }

    @Override
    public boolean hasNext() {
      while (!heads.isEmpty() && heads.peek().id().equals(last)) {
        advance(heads.poll().rest());
      }
      return !heads.isEmpty();
    }

    @Override
    public LeaseId next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      Head head = heads.poll();
      advance(head.rest());
      last = head.id();
      return last;
    }
  }

  @Override
  public List<LeaseRecord> claimDue(String nodeId, Instant now, Duration claimTimeout, int limit) {
    require(nodeId, "nodeId");
    require(now, "now");
    require(claimTimeout, "claimTimeout");
    if (claimTimeout.isZero() || claimTimeout.isNegative()) {
      throw new InvalidRequestException("claimTimeout", "must be positive; was " + claimTimeout);
    }
    requirePositive(limit, "limit");
    Instant claimedUntil = now.plus(claimTimeout);
    writeLock.lock();
    try {
      ensureOpen();
      // Collect first: claiming re-files each lease under its new dueAt in the same index.
      List<StoredLease> dueNow = new ArrayList<>(Math.min(limit, 256));
      for (Iterator<StoredLease> it = due.iterator(); it.hasNext() && dueNow.size() < limit; ) {
        dueEntriesExamined++;
        StoredLease lease = it.next();
        if (lease.dueAfter(now)) {
          break;
        }
        dueNow.add(lease);
      }
      List<LeaseRecord> claimed = new ArrayList<>(dueNow.size());
      for (StoredLease lease : dueNow) {
        claimed.add(replace(lease, lease.toLease().toBuilder()
            .claimedBy(nodeId)
            .dueAt(claimedUntil)
            .version(lease.version + 1)));
      }
      return claimed;
    } finally {
      writeLock.unlock();
    }
  }

  @Override
  public long count(String secretName, Set<LeaseState> states) {
    require(secretName, "secretName");
    require(states, "states");
    ensureOpen();
    SecretIndex secret = secrets.get(secretName);
    if (secret == null) {
      return 0;
    }
    long[] counts = secret.countsByState; // one read: a consistent snapshot
    long total = 0;
    for (LeaseState state : states) {
      total += counts[state.ordinal()];
    }
    return total;
  }

  @Override
  public int purgeRevokedBefore(Instant cutoff, int limit) {
    require(cutoff, "cutoff");
    requirePositive(limit, "limit");
    writeLock.lock();
    try {
      ensureOpen();
      int purged = 0;
      for (Iterator<StoredLease> it = revoked.iterator(); it.hasNext() && purged < limit; ) {
        revokedEntriesExamined++;
        StoredLease lease = it.next();
        if (!lease.revokedAt().isBefore(cutoff)) {
          break;
        }
        it.remove();
        if (lease.hasDueAt()) {
          due.remove(lease);
        }
        leases.remove(lease.id);
        secrets.get(lease.secretName).remove(lease.id, lease.state);
        purged++;
      }
      return purged;
    } finally {
      writeLock.unlock();
    }
  }

  /** Discards every lease. Afterwards every method throws {@link StoreException}. */
  @Override
  public void close() {
    writeLock.lock();
    try {
      closed = true;
      leases.clear();
      secrets.clear();
      due.clear();
      revoked.clear();
    } finally {
      writeLock.unlock();
    }
  }

  /** Due-index entries {@link #claimDue} has looked at since the store was created. */
  long dueEntriesExamined() {
    writeLock.lock();
    try {
      return dueEntriesExamined;
    } finally {
      writeLock.unlock();
    }
  }

  /** Revoked-index entries {@link #purgeRevokedBefore} has looked at since creation. */
  long revokedEntriesExamined() {
    writeLock.lock();
    try {
      return revokedEntriesExamined;
    } finally {
      writeLock.unlock();
    }
  }

  /** Id-index entries {@link #query} has looked at since the store was created. */
  long idEntriesExamined() {
    return idEntriesExamined.sum();
  }

  private void ensureOpen() {
    if (closed) {
      throw new StoreException("the memory lease store is closed");
    }
  }

  private static void require(@Nullable Object value, String field) {
    if (value == null) {
      throw new InvalidRequestException(field, "is required");
    }
  }

  private static void requirePositive(long value, String field) {
    if (value < 1) {
      throw new InvalidRequestException(field, "must be at least 1; was " + value);
    }
  }
}
