package dev.dynsecret;

import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One page of results.
 *
 * @param <T> the type of the results
 * @param items the results, in order
 * @param nextCursor pass to {@link LeaseQuery#after} for the next page; null on the last page
 */
public record Page<T>(List<T> items, @Nullable String nextCursor) {
  /**
   * Checks required components and copies collections.
   *
   * @param items the results, in order
   * @param nextCursor pass to {@link LeaseQuery#after} for the next page; null on the last page
   */
  public Page {
    items = List.copyOf(items);
  }

  /** {@return whether another page follows} */
  public boolean hasNext() {
    return nextCursor != null;
  }

  /** {@return the cursor of the next page, if there is one} */
  public Optional<String> next() {
    return Optional.ofNullable(nextCursor);
  }
}
