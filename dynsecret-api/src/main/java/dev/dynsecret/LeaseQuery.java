package dev.dynsecret;

import dev.dynsecret.InvalidRequestException;
import dev.dynsecret.LeaseState;
import java.util.EnumSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One page of a lease listing, in id order (ids are time-ordered, so this is creation order).
 *
 * @param secretName only leases of this secret, or null for all
 * @param states only leases in these states; empty for all
 * @param afterId start after this id (the previous page's {@link Page#nextCursor()}), or null
 * @param limit the most leases to return, 1 to 10,000
 */
public record LeaseQuery(
    @Nullable String secretName, Set<LeaseState> states, @Nullable String afterId, int limit) {
  /** The largest page a store must serve. */
  public static final int MAX_LIMIT = 10_000;

  /**
   * Checks every rule, throwing {@link dev.dynsecret.InvalidRequestException} naming the field.
   *
   * @param secretName only leases of this secret, or null for all
   * @param states only leases in these states; empty for all
   * @param afterId start after this id (the previous page's {@link Page#nextCursor()}), or null
   * @param limit the most leases to return, 1 to 10,000
   */
  public LeaseQuery {
    states = states == null || states.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(states));
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new InvalidRequestException("limit", "must be between 1 and " + MAX_LIMIT + "; was " + limit);
    }
  }

  /**
   * {@return every lease, {@code limit} at a time}
   *
   * @param limit the most leases per page
   */
  public static LeaseQuery all(int limit) {
    return new LeaseQuery(null, Set.of(), null, limit);
  }

  /**
   * {@return the leases of one secret, {@code limit} at a time}
   *
   * @param secretName the dynamic secret's name
   * @param limit the most leases per page
   */
  public static LeaseQuery bySecret(String secretName, int limit) {
    return new LeaseQuery(secretName, Set.of(), null, limit);
  }

  /**
   * {@return the same query restricted to {@code states}}
   *
   * @param states the states to keep; empty for every state
   */
  public LeaseQuery withStates(Set<LeaseState> states) {
    return new LeaseQuery(secretName, states, afterId, limit);
  }

  /**
   * {@return the same query starting after {@code cursor}}
   *
   * @param cursor the {@link Page#nextCursor()} of the previous page, or null for the first page
   */
  public LeaseQuery after(@Nullable String cursor) {
    return new LeaseQuery(secretName, states, cursor, limit);
  }

  /**
   * {@return whether a lease in {@code state} of {@code secret} belongs to the result}
   *
   * @param secret the lease's dynamic secret
   * @param state where the lease is in its life
   */
  public boolean matches(String secret, LeaseState state) {
    return (secretName == null || secretName.equals(secret))
        && (states.isEmpty() || states.contains(state));
  }
}
