package dev.dynsecret.internal;

import dev.dynsecret.InvalidRequestException;
import dev.dynsecret.LeaseQuery;
import dev.dynsecret.LeaseState;
import dev.dynsecret.NotFoundException;
import dev.dynsecret.Page;
import dev.dynsecret.spi.LeaseRecord;
import dev.dynsecret.spi.LeaseStore;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/** Reading leases from the store, with the checks every lease id from a caller goes through. */
public final class LeaseReads {
  /** How often a compare-and-set that lost a race is tried again with the lease read anew. */
  static final int WRITE_RETRIES = 5;
  /** Leases read per store query when going through many. */
  static final int PAGE_SIZE = 500;

  private final LeaseStore store;

  public LeaseReads(LeaseStore store) {
    this.store = store;
  }

  public Optional<LeaseRecord> find(@Nullable String leaseId) {
    return store.find(requireLeaseId(leaseId));
  }

  public LeaseRecord get(@Nullable String leaseId) {
    return find(leaseId).orElseThrow(
        () -> new NotFoundException("no lease with id " + Texts.quoted(leaseId)));
  }

  public Page<LeaseRecord> list(LeaseQuery query) {
    return store.query(query);
  }

  public long count(String secretName, Set<LeaseState> states) {
    return store.count(secretName, states.isEmpty() ? EnumSet.allOf(LeaseState.class) : states);
  }

  /** Calls {@code action} for every lease the query matches, page by page. */
  public void forEach(LeaseQuery query, Consumer<LeaseRecord> action) {
    LeaseQuery next = query;
    while (true) {
      Page<LeaseRecord> page = store.query(next);
      page.items().forEach(action);
      if (!page.hasNext()) {
        return;
      }
      next = next.after(page.nextCursor());
    }
  }

  static String requireLeaseId(@Nullable String leaseId) {
    if (leaseId == null || leaseId.isBlank()) {
      throw new InvalidRequestException("leaseId", "is required");
    }
    if (leaseId.length() > 128 || Texts.hasControlCharacter(leaseId)) {
      throw new InvalidRequestException("leaseId",
          "must be at most 128 characters without control characters; was " + Texts.quoted(leaseId));
    }
    return leaseId;
  }
}
