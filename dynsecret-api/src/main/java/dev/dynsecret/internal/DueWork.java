package dev.dynsecret.internal;

import dev.dynsecret.ConflictException;
import dev.dynsecret.StoreException;
import dev.dynsecret.spi.LeaseRecord;
import dev.dynsecret.spi.LeaseStore;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The work that falls due: leases are claimed from the store (so that across nodes each is worked
 * by one node) and each is revoked if it expired or asked to be, retried if a revocation is due
 * again, reconciled if its create never completed, or handed back otherwise. Also purges old
 * history.
 *
 * <p>Claimed leases are worked in the {@link CallWindow}. Claims run at most one chunk ahead of
 * the calls, and a claimed lease that waits for a place for a quarter of the claim timeout is
 * handed back rather than started, so a call always starts with three quarters of its claim left.
 */
public final class DueWork {
  private static final Logger log = LoggerFactory.getLogger(DueWork.class);
  private static final int PURGE_BATCH = 1000;

  private final EngineSettings settings;
  private final LeaseStore store;
  private final Revocation revocation;
  private final CallWindow window;

  public DueWork(EngineSettings settings, Revocation revocation, CallWindow window) {
    this.settings = settings;
    this.store = settings.store();
    this.revocation = revocation;
    this.window = window;
  }

  /**
   * Claims due leases and starts their work while the window has room, until a claim comes back
   * short (nothing more is due now). Claims run ahead of the window by at most one chunk: when
   * every claimed lease has started, the next {@code claimBatchSize} leases are claimed while the
   * calls run, and each of them starts as soon as a place is free. So a fast provider is not held
   * to one store round trip per few leases, and a backlog is worked without waiting for the poll
   * interval. A claimed lease that has
   * waited for a place for a quarter of the claim timeout (calls hanging) is handed back, due at
   * once, rather than started: a call always starts with three quarters of its claim left.
   *
   * <p>A node that cannot write stops acting: first, whatever this node owes the store from an
   * earlier failure is written (if the store still fails, the pass ends there, claiming
   * nothing). Then, once a write fails during the pass, no further provider call is started: the
   * leases claimed and not yet started are owed back to the store as due now, and the pass claims
   * no more. Only the calls already in flight finish; their outcomes are owed too.
   *
   * @param awaitCalls whether to return only once every call this pass started has ended (so the
   *     count is complete), or as soon as nothing more is claimed (the background pass: its calls
   *     go on holding their places in the window, and the next pass starts others beside them)
   * @return how many leases were worked (with {@code awaitCalls}; otherwise how many were started)
   * @throws StoreException if the store fails before any lease is claimed
   */
  public int process(boolean awaitCalls) {
    revocation.owed().settle(store);
    Pass pass = new Pass();
    StoreException claimFailure = null;
    Deque<LeaseRecord> claimed = new ArrayDeque<>();
    Instant claimedAt = null; // when the leases in claimed were claimed (one chunk at a time)
    boolean drained = false; // the last claim came back short: nothing more is due now
    while (true) {
      int room = window.awaitRoom(() -> halted(pass));
      if (room == 0) {
        break; // the store failed, or closing
      }
      if (claimed.isEmpty()) {
        if (drained) {
          break;
        }
        int wanted = settings.claimBatchSize();
        claimedAt = settings.clock().instant();
        try {
          claimed.addAll(store.claimDue(settings.nodeId(), claimedAt, settings.claimTimeout(),
              wanted));
        } catch (StoreException e) {
          claimFailure = e;
          pass.storeFailure.compareAndSet(null, e);
          break;
        }
        drained = claimed.size() < wanted;
        if (claimed.isEmpty()) {
          break;
        }
      }
      Instant now = settings.clock().instant();
      for (int started = 0; started < room && !claimed.isEmpty(); ) {
        LeaseRecord lease = claimed.poll();
        if (claimRunningDown(claimedAt, now)) {
          handBack(lease, now, pass);
          drained = false; // it is due again: claim it afresh
          continue;
        }
        started++;
        pass.started();
        if (!window.start(() -> work(lease, now, pass), pass::ended)) {
          // Closing: the call was never started.
          handBack(lease, now, pass);
          pass.stopped.incrementAndGet();
          pass.ended();
        }
      }
    }
    // Closing, or the store failed: what was claimed and not started goes back.
    Instant now = settings.clock().instant();
    claimed.forEach(lease -> handBack(lease, now, pass));
    if (awaitCalls) {
      pass.awaitEnded();
    }
    int worked = pass.started - pass.stopped.get();
    if (claimFailure != null && pass.started == 0) {
      throw claimFailure;
    }
    StoreException failure = pass.storeFailure.get();
    if (failure != null) {
      log.warn("Lease store failed during due work on node {}: {}; {} claimed lease(s) were not"
          + " worked and are handed back as soon as it answers again; {} write(s) owed in all",
          settings.nodeId(), failure.getMessage(), pass.stopped.get(), revocation.owed().size());
    }
    return worked;
  }

  /**
   * Whether less than three quarters of a claim taken at {@code claimedAt} is left at {@code now}
   * (counted from the time the claim was asked for, which the claim's deadline is not before).
   */
  private boolean claimRunningDown(Instant claimedAt, Instant now) {
    return !now.isBefore(claimedAt.plus(settings.claimTimeout().dividedBy(4)));
  }

  /**
   * Hands a claimed lease that was not started back to the store, due at once, so any node works
   * it; owed instead if the store has failed in this pass or fails now.
   */
  private void handBack(LeaseRecord lease, Instant now, Pass pass) {
    LeaseRecord released = LeaseTransitions.released(lease, now);
    if (halted(pass)) {
      revocation.owed().oweIfNone(released);
      return;
    }
    try {
      store.update(released);
    } catch (ConflictException lostRace) {
      log.debug("Lease {} changed while claimed; leaving it to its new owner", lease.id());
    } catch (StoreException e) {
      pass.storeFailure.compareAndSet(null, e);
      revocation.owed().oweIfNone(released);
    }
  }

  /**
   * Whether a store write failed during the pass, or this node owes the store writes (a call of
   * another pass, still in flight, failed to write): then no further provider call starts.
   */
  private boolean halted(Pass pass) {
    return pass.storeFailure.get() != null || revocation.owed().size() > 0;
  }

  /** One pass: the first store failure in it stops what has not started. */
  private static final class Pass {
    final AtomicReference<StoreException> storeFailure = new AtomicReference<>();
    final AtomicInteger stopped = new AtomicInteger();
    /** Only the claiming thread counts starts. */
    int started;
    private int ended;

    void started() {
      started++;
    }

    synchronized void ended() {
      ended++;
      notifyAll();
    }

    synchronized void awaitEnded() {
      boolean interrupted = false;
      while (ended < started) {
        try {
          wait();
        } catch (InterruptedException e) {
          interrupted = true; // the calls end on their own; the count must be complete
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private CallWindow.Outcome work(LeaseRecord claimed, Instant now, Pass pass) {
    if (halted(pass)) {
      // The store just failed: start no provider call whose outcome could not be recorded.
      revocation.owed().oweIfNone(LeaseTransitions.released(claimed, now));
      pass.stopped.incrementAndGet();
      return CallWindow.Outcome.NO_CALL;
    }
    AtomicReference<CallWindow.Outcome> outcome =
        new AtomicReference<>(CallWindow.Outcome.NO_CALL);
    try {
      switch (claimed.state()) {
        case PENDING -> revocation.attempt(claimed, outcome::set);
        case ACTIVE -> {
          if (claimed.revokeReason() != null) {
            revocation.attempt(claimed, outcome::set);
          } else if (!claimed.expiresAt().isAfter(now)) {
            revocation.attempt(LeaseTransitions.expired(claimed), outcome::set);
          } else {
            store.update(LeaseTransitions.released(claimed, claimed.expiresAt()));
          }
        }
        case REVOKED, REVOCATION_FAILED -> store.update(LeaseTransitions.released(claimed, null));
      }
    } catch (ConflictException lostRace) {
      log.debug("Lease {} changed while being worked; leaving it to its new owner", claimed.id());
    } catch (StoreException e) {
      pass.storeFailure.compareAndSet(null, e);
      // An outcome not recorded is owed already; otherwise hand the claim back once we can.
      revocation.owed().oweIfNone(LeaseTransitions.released(claimed, now));
      log.debug("Could not finish due work on lease {}: {}", claimed.id(), e.getMessage());
    } catch (RuntimeException e) {
      // Not the store (a lease that vanished, say): the claim lapses and it is worked again later.
      log.warn("Could not finish due work on lease {}: {}", claimed.id(), e.getMessage());
    }
    return outcome.get();
  }

  /** Deletes revoked leases whose history is older than the retention period. */
  public int purgeHistory() {
    Instant cutoff = settings.clock().instant().minus(settings.historyRetention());
    int purged = 0;
    int batch;
    do {
      batch = store.purgeRevokedBefore(cutoff, PURGE_BATCH);
      purged += batch;
    } while (batch == PURGE_BATCH);
    if (purged > 0) {
      log.info("Purged {} revoked leases older than {}", purged, cutoff);
    }
    return purged;
  }
}
