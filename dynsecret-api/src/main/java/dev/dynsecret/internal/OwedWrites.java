package dev.dynsecret.internal;

import dev.dynsecret.ConflictException;
import dev.dynsecret.NotFoundException;
import dev.dynsecret.StoreException;
import dev.dynsecret.spi.LeaseRecord;
import dev.dynsecret.spi.LeaseStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes this node owes the store because the store did not take them: the outcome of a
 * revocation whose credential is already deleted, or the hand-back of a claim this node stopped
 * working when the store failed. They are written, compare-and-set on the version this node
 * held, as soon as the store answers again (at the start of the next due-work pass), so that
 * recovery waits neither for claims to lapse nor for credentials to be deleted a second time.
 *
 * <p>A write that finds the lease changed (another node took it over after the claim lapsed) or
 * gone is dropped: the lease is someone else's now. If this node stops first, what it owed is
 * lost and the claims lapse as for a node that died.
 */
final class OwedWrites {
  private static final Logger log = LoggerFactory.getLogger(OwedWrites.class);

  private record Owed(LeaseRecord write, @Nullable Consumer<LeaseRecord> onWritten) {}

  /** By lease id, in the order owed. */
  private final Map<String, Owed> owed = new LinkedHashMap<>();
  /** One settling at a time, so no write is made twice. */
  private final Object settling = new Object();

  /**
   * Owes {@code write}, replacing anything owed for the same lease. {@code onWritten} is told
   * the lease as stored once the write is made (or found made).
   */
  synchronized void owe(LeaseRecord write, @Nullable Consumer<LeaseRecord> onWritten) {
    owed.put(write.id(), new Owed(write, onWritten));
  }

  /** Owes {@code write} unless something is owed for that lease already. */
  synchronized void oweIfNone(LeaseRecord write) {
    owed.putIfAbsent(write.id(), new Owed(write, null));
  }

  synchronized int size() {
    return owed.size();
  }

  private synchronized List<Owed> snapshot() {
    return new ArrayList<>(owed.values());
  }

  private synchronized void settled(Owed done) {
    owed.remove(done.write().id(), done);
  }

  /**
   * Makes every owed write, in order.
   *
   * @return how many were made
   * @throws StoreException if the store still fails; what is not yet written stays owed
   */
  int settle(LeaseStore store) {
    synchronized (settling) {
      int written = 0;
      for (Owed next : snapshot()) {
        LeaseRecord stored = null;
        try {
          stored = store.update(next.write());
          written++;
        } catch (ConflictException | NotFoundException changed) {
          // Taken over after the claim lapsed, or purged; unless the write is there already
          // (an earlier attempt whose answer was lost), the lease is no longer this node's.
          Optional<LeaseRecord> current = store.find(next.write().id());
          if (current.isPresent()
              && LeaseTransitions.writtenAsAsked(next.write(), current.get())) {
            stored = current.get();
          } else {
            log.debug("Dropped the owed write of lease {}: it changed meanwhile", next.write().id());
          }
        }
        settled(next);
        if (stored != null && next.onWritten() != null) {
          next.onWritten().accept(stored);
        }
      }
      if (written > 0) {
        log.info("The store answers again: wrote {} lease update(s) this node owed it", written);
      }
      return written;
    }
  }
}
