package dev.dynsecret.testkit;

import dev.dynsecret.spi.LeaseRecord;
import dev.dynsecret.LeaseState;
import dev.dynsecret.StoreException;
import dev.dynsecret.LeaseQuery;
import dev.dynsecret.spi.LeaseStore;
import dev.dynsecret.Page;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A {@link LeaseStore} in front of a real one that fails on demand, as a database that is
 * overloaded, restarting or unreachable would: a seeded share of calls fails, or every call fails
 * while the store is {@linkplain #down(boolean) down}. A failed write either never reached the
 * store, or (with {@link #loseAnswers(boolean)}) took effect and only its answer was lost, as when
 * a connection drops after the commit.
 *
 * <pre>{@code
 * FlakyLeaseStore flaky = new FlakyLeaseStore(store, 42).failShare(0.3).loseAnswers(true);
 * LeaseManager leases = LeaseManager.builder().store(flaky)...build();
 * flaky.down(true);   // every call throws StoreException
 * flaky.down(false);  // back, still failing 30 % of calls
 * }</pre>
 */
public final class FlakyLeaseStore implements LeaseStore {
  private final LeaseStore delegate;
  private final Random random;
  private volatile double failShare;
  private volatile boolean down;
  private volatile boolean loseAnswers;
  private long calls;
  private long failures;

  /**
   * A store that passes every call to {@code delegate} until told to fail.
   *
   * @param delegate the store that serves the calls
   * @param seed the seed of the random failures, so that a run can be repeated
   */
  public FlakyLeaseStore(LeaseStore delegate, long seed) {
    this.delegate = delegate;
    this.random = new Random(seed);
  }

  /**
   * Each call fails with this probability (0 to 1); 0 turns it off.
   *
   * @param share each call fails with this probability (0 to 1); 0 turns it off
   * @return this builder
   */
  public FlakyLeaseStore failShare(double share) {
    if (!(share >= 0 && share <= 1)) {
      throw new IllegalArgumentException("share: must be between 0 and 1, was " + share);
    }
    this.failShare = share;
    return this;
  }

  /**
   * While down, every call fails.
   *
   * @param down true to fail every call, false to pass calls on again
   * @return this builder
   */
  public FlakyLeaseStore down(boolean down) {
    this.down = down;
    return this;
  }

  /**
   * Whether half of the failed writes take effect before failing (their answer is lost).
   *
   * @param lose whether half of the failed writes take effect before failing (their answer is lost)
   * @return this builder
   */
  public FlakyLeaseStore loseAnswers(boolean lose) {
    this.loseAnswers = lose;
    return this;
  }

  /** {@return how many calls failed so far} */
  public synchronized long failures() {
    return failures;
  }

  /** {@return how many calls were made so far} */
  public synchronized long calls() {
    return calls;
  }

  /**
   * Waits until at least {@code atLeast} calls have failed, to know that a user of the store has
   * met the outage.
   *
   * @param atLeast how many failed calls to wait for
   * @param timeout how long to wait at most
   * @param unit the unit of {@code timeout}
   * @return false if the timeout passed first
   * @throws InterruptedException if the waiting thread is interrupted
   */
  public synchronized boolean awaitFailures(long atLeast, long timeout, TimeUnit unit)
      throws InterruptedException {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    while (failures < atLeast) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return true;
  }

  private enum Outcome { PASS, FAIL_BEFORE, FAIL_AFTER }

  private synchronized Outcome draw(boolean write) {
    calls++;
    boolean fail = down || (failShare > 0 && random.nextDouble() < failShare);
    if (!fail) {
      return Outcome.PASS;
    }
    failures++;
    notifyAll();
    return write && loseAnswers && random.nextBoolean() ? Outcome.FAIL_AFTER : Outcome.FAIL_BEFORE;
  }

  private <T> T call(String what, boolean write, Supplier<T> action) {
    Outcome outcome = draw(write);
    if (outcome == Outcome.FAIL_BEFORE) {
      throw new StoreException(what + " failed: the database is unavailable (simulated)");
    }
    T result = action.get();
    if (outcome == Outcome.FAIL_AFTER) {
      throw new StoreException(what + " failed: connection lost after the commit (simulated)");
    }
    return result;
  }

  @Override
  public void insert(LeaseRecord lease) {
    call("insert", true, () -> {
      delegate.insert(lease);
      return null;
    });
  }

  @Override
  public boolean insertWithinLimit(LeaseRecord lease, Set<LeaseState> counted, long limit) {
    return call("insert", true, () -> delegate.insertWithinLimit(lease, counted, limit));
  }

  @Override
  public Optional<LeaseRecord> find(String id) {
    return call("find", false, () -> delegate.find(id));
  }

  @Override
  public LeaseRecord update(LeaseRecord lease) {
    return call("update", true, () -> delegate.update(lease));
  }

  @Override
  public Page<LeaseRecord> query(LeaseQuery query) {
    return call("query", false, () -> delegate.query(query));
  }

  @Override
  public List<LeaseRecord> claimDue(String nodeId, Instant now, Duration claimTimeout, int limit) {
    return call("claimDue", true, () -> delegate.claimDue(nodeId, now, claimTimeout, limit));
  }

  @Override
  public long count(String secretName, Set<LeaseState> states) {
    return call("count", false, () -> delegate.count(secretName, states));
  }

  @Override
  public int purgeRevokedBefore(Instant cutoff, int limit) {
    return call("purgeRevokedBefore", true, () -> delegate.purgeRevokedBefore(cutoff, limit));
  }

  /** Does not close the store behind it: that belongs to whoever made it. */
  @Override
  public void close() {}

  @Override
  public String toString() {
    return "FlakyLeaseStore[" + delegate + ", failShare=" + failShare + ", down=" + down + "]";
  }
}
