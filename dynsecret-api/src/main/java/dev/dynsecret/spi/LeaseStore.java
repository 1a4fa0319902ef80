package dev.dynsecret.spi;

import dev.dynsecret.ConflictException;
import dev.dynsecret.LeaseQuery;
import dev.dynsecret.LeaseState;
import dev.dynsecret.NotFoundException;
import dev.dynsecret.Page;
import dev.dynsecret.StoreException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Where leases live. Several {@link dev.dynsecret.LeaseManager}s (one per application instance)
 * may share one store; the store is what makes them one system.
 *
 * <p>A store never interprets lease states except where a method says so; scheduling goes through
 * {@link LeaseRecord#dueAt()}, which the engine sets. Every method is safe to call from many threads, and
 * a failure of the underlying storage is reported as {@link StoreException}. The contract suite in
 * {@code dynsecret-testkit} ({@code LeaseStoreContract}) checks all of this.
 *
 * <p><b>Evolution:</b> every method here is part of the first release's baseline. Methods added
 * after it come with a default (built from the baseline methods where that is correct, or
 * reporting the ability as absent), so a store written against an earlier release keeps compiling
 * and passing the contract suite of its release.
 */
public interface LeaseStore extends AutoCloseable {

  /**
   * Stores a new lease with the version it carries.
   *
   * @param lease the lease to store
   * @throws ConflictException if a lease with the same id exists
   */
  void insert(LeaseRecord lease);

  /**
   * Stores a new lease unless {@code limit} or more leases of the same dynamic secret are in one
   * of {@code counted} states; this is how a dynamic secret's lease limit is kept. The count and
   * the insert must be one atomic step with respect to every other call of this method for that
   * dynamic secret, on every node sharing the store, so that creates arriving at the same instant
   * can never pass the limit together. (The engine adds leases to the counted states only through
   * this method; every other write moves leases out of them, which cannot break the limit.)
   *
   * @param counted the states that count against the limit
   * @param limit the most leases of the dynamic secret that may be in those states, at least 1
   * @param lease the lease to store
   * @return true if the lease was stored; false, storing nothing, if the limit was reached
   * @throws ConflictException if a lease with the same id exists
   */
  boolean insertWithinLimit(LeaseRecord lease, Set<LeaseState> counted, long limit);

  /**
   * {@return the lease with {@code id}, if stored}
   *
   * @param id its id
   */
  Optional<LeaseRecord> find(String id);

  /**
   * Compare-and-set: replaces the stored lease only if its version equals {@code lease.version()},
   * and stores it with the version incremented.
   *
   * @param lease the lease to store
   * @return the lease as now stored (version + 1)
   * @throws ConflictException if the stored version differs: someone else changed it first
   * @throws NotFoundException if no lease has that id
   */
  LeaseRecord update(LeaseRecord lease);

  /**
   * {@return a page of leases in id order, filtered as the query says}
   *
   * @param query what to list, and from where
   */
  Page<LeaseRecord> query(LeaseQuery query);

  /**
   * Claims up to {@code limit} leases whose {@link LeaseRecord#dueAt()} is at or before {@code
   * now},
   * earliest first. Each claimed lease is stored with {@code claimedBy = nodeId}, {@code dueAt =
   * now +
   * claimTimeout} and its version incremented, atomically, so that no two callers claim the same
   * lease;
   * a claim that is not released by then simply becomes due again and another node takes it over.
   * Cost
   * grows with the leases claimed, not with the leases stored.
   *
   * @param nodeId the claiming manager's node id
   * @param now the current time, by the clock the engine decides by
   * @param claimTimeout how long the claim lasts
   * @param limit the most leases to handle in this call
   * @return the claimed leases as now stored
   */
  List<LeaseRecord> claimDue(String nodeId, Instant now, Duration claimTimeout, int limit);

  /**
   * {@return how many leases of {@code secretName} are in one of {@code states}; an empty set
   * counts
   * nothing} Backs {@link dev.dynsecret.LeaseManager#countLeases}, which dashboards and metrics
   * poll, so
   * it should not read the leases themselves.
   *
   * @param secretName the dynamic secret's name
   * @param states the states to count
   */
  long count(String secretName, Set<LeaseState> states);

  /**
   * Deletes leases in {@link LeaseState#REVOKED} whose {@link LeaseRecord#revokedAt()} is before
   * {@code
   * cutoff}, at most {@code limit} of them.
   *
   * @param cutoff leases revoked before this instant are deleted
   * @param limit the most leases to handle in this call
   * @return how many were deleted
   */
  int purgeRevokedBefore(Instant cutoff, int limit);

  /**
   * The clock every node sharing this store decides by: what is due, when a claim lapses, when a
   * lease expires, how far a renewal may reach, when a retry is due. Node clocks drift and jump;
   * a store that several nodes share should return a clock they all agree on, for example one
   * corrected to the database's own time. {@code local} is the node's clock (what {@code
   * LeaseManager.Builder.clock} was given); the manager asks once, when it is built, and
   * compares the two clocks to warn about a node whose clock is far off.
   *
   * <p>The returned clock must not throw: when the shared time cannot be read, it answers from
   * what it knew last. The default returns {@code local}: right for a store only one process
   * uses, such as an in-memory one.
   *
   * <p><b>Evolution:</b> added after the first release's baseline; stores written before it
   * keep deciding by the node's clock.
   *
   * @param local this node's clock
   * @return the clock to decide by; never null
   */
  default Clock clock(Clock local) {
    return local;
  }

  /** Releases the store's resources. The default does nothing. */
  @Override
  default void close() {}
}
