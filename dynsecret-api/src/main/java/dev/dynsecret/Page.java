package dev.dynsecret;

import java.util.List;
import java.util.Optional;

/**
 * One page of results.
 *
 * @param items the results, in order
 * @param nextCursor pass to {@link LeaseQuery#after} for the next page; null on the last page
 */
public record Page<T>(List<T> items, String nextCursor) {
  /** Checks required components and copies collections. */
  public Page {
    items = List.copyOf(items);
  }

  /** Whether another page follows. */
  public boolean hasNext() {
    return nextCursor != null;
  }

  /** The cursor of the next page, if there is one. */
  public Optional<String> next() {
    return Optional.ofNullable(nextCursor);
  }
}
