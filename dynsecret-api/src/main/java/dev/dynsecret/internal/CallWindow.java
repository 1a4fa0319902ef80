package dev.dynsecret.internal;

import dev.dynsecret.DueWorkWindow;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The window of provider calls that due work keeps in flight: each call holds a place from when it
 * starts until it ends, and a new one starts as soon as a place is free, so one slow call holds
 * up nothing but its own place. How many places there are is {@link InFlightLimit}'s to say,
 * adapting to the provider's latency, failures and throttling, up to {@code maxInFlight}.
 *
 * <p>Calls run on worker threads from the configured thread factory, made as needed up to the
 * ceiling and retired after a minute idle. With a ceiling of 1 the calls run on the caller's
 * thread.
 */
public final class CallWindow implements ProviderSignals.ThrottleObserver {
  private static final Logger log = LoggerFactory.getLogger(CallWindow.class);
  private static final Duration IDLE_WORKER = Duration.ofMinutes(1);

  /** What a call amounted to, for the limit. */
  public enum Outcome {
    /** The provider answered (revoked, or a definitive refusal). */
    ANSWERED,
    /** The provider failed transiently: 5xx, a dropped connection, a time-out, a 429. */
    TRANSIENT_FAILURE,
    /** No provider call was made (a claim handed back, say). */
    NO_CALL
  }

  private final String nodeId;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition placeFreed = lock.newCondition();
  private final InFlightLimit limit;
  private int inFlight;
  private boolean closed;
  /** Null when the ceiling is 1: calls run on the caller's thread. */
  private final @Nullable ThreadPoolExecutor workers;

  public CallWindow(EngineSettings settings) {
    this(settings.nodeId(), new InFlightLimit(settings.maxInFlight()),
        Threads.named(settings, "worker"));
  }

  CallWindow(String nodeId, InFlightLimit limit, ThreadFactory threads) {
    this.nodeId = nodeId;
    this.limit = limit;
    if (limit.ceiling() == 1) {
      this.workers = null;
    } else {
      // No queue: a call is handed to an idle worker or a new one. A place freed by a call is
      // free a moment before its worker is idle again; if that moment makes the pool full, the
      // next call waits for that worker rather than failing.
      this.workers = new ThreadPoolExecutor(0, limit.ceiling(), IDLE_WORKER.toSeconds(),
          TimeUnit.SECONDS, new SynchronousQueue<>(), threads, CallWindow::handOver);
    }
  }

  private static void handOver(Runnable call, ThreadPoolExecutor pool) {
    try {
      while (!pool.isShutdown()) {
        if (pool.getQueue().offer(call, 100, TimeUnit.MILLISECONDS)) {
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    throw new RejectedExecutionException("the lease manager is closing");
  }

  /**
   * Waits until a place is free, and answers how many are.
   *
   * @param stop checked whenever a place is freed; true ends the wait
   * @return the free places, or 0 if {@code stop} said so, the window is closed or the thread
   *     was interrupted
   */
  public int awaitRoom(BooleanSupplier stop) {
    lock.lock();
    try {
      while (true) {
        if (closed || stop.getAsBoolean()) {
          return 0;
        }
        int room = limit.limit() - inFlight;
        if (room > 0) {
          return room;
        }
        placeFreed.await();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Starts {@code call} in a place of the window (on a worker, or here with a ceiling of 1).
   * {@code ended} runs once the call has ended and its place is free.
   *
   * @return false if the call could not start (the manager is closing); {@code ended} is not run
   */
  public boolean start(Supplier<Outcome> call, Runnable ended) {
    long epoch;
    lock.lock();
    try {
      inFlight++;
      epoch = limit.epoch();
    } finally {
      lock.unlock();
    }
    Runnable timed = () -> {
      long started = System.nanoTime();
      Outcome outcome = Outcome.NO_CALL;
      try {
        outcome = call.get();
      } finally {
        end(outcome, System.nanoTime() - started, epoch);
        ended.run();
      }
    };
    if (workers == null) {
      timed.run();
      return true;
    }
    try {
      workers.execute(timed);
      return true;
    } catch (RejectedExecutionException closing) {
      end(Outcome.NO_CALL, 0, epoch);
      return false;
    }
  }

  private void end(Outcome outcome, long latencyNanos, long epoch) {
    lock.lock();
    try {
      int before = limit.limit();
      int after = switch (outcome) {
        case ANSWERED -> limit.answered(latencyNanos, epoch, inFlight);
        case TRANSIENT_FAILURE -> limit.failedTransiently(epoch);
        case NO_CALL -> before;
      };
      inFlight--;
      if (after != before) {
        log.debug("Due work on node {} now keeps up to {} provider calls in flight (was {}){}",
            nodeId, after, before,
            outcome == Outcome.TRANSIENT_FAILURE ? ": a call failed transiently"
                : after < before ? ": calls take much longer than the recent baseline" : "");
      }
      placeFreed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void throttled(String secretName, String target, Duration wait) {
    lock.lock();
    try {
      int before = limit.limit();
      int after = limit.throttled();
      if (after != before) {
        log.debug("Due work on node {} now keeps up to {} provider calls in flight (was {}):"
            + " the provider of '{}' was throttled", nodeId, after, before, secretName);
      }
    } finally {
      lock.unlock();
    }
  }

  /** What operators see of the window. */
  public DueWorkWindow snapshot() {
    lock.lock();
    try {
      return new DueWorkWindow(inFlight, limit.limit(), limit.ceiling());
    } finally {
      lock.unlock();
    }
  }

  /** Ends every wait for room: passes claim nothing more. Calls in flight go on. */
  public void stopClaiming() {
    lock.lock();
    try {
      closed = true;
      placeFreed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Starts no further call and waits until {@code deadlineNanos} (of {@link System#nanoTime()})
   * for the calls in flight; then interrupts them.
   */
  public void close(long deadlineNanos) {
    stopClaiming();
    if (workers != null) {
      workers.shutdown();
      Threads.awaitOrStop(workers, deadlineNanos);
    }
  }
}
