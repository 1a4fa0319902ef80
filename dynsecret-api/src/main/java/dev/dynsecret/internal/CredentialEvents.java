package dev.dynsecret.internal;

import dev.dynsecret.CredentialEvent;
import dev.dynsecret.CredentialListener;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands a managed credential's events to its listeners on the listener executor, one at a time
 * and in order (even on an executor with many threads), so that listener code never runs on, or
 * holds up, the thread that renews and rotates. A listener that throws is logged and skipped.
 */
final class CredentialEvents {
  private static final Logger log = LoggerFactory.getLogger(CredentialEvents.class);
  private static final AtomicInteger THREADS = new AtomicInteger();

  private final List<CredentialListener> listeners;
  private final Executor executor;
  private final Queue<CredentialEvent> queue = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean draining = new AtomicBoolean();

  CredentialEvents(List<CredentialListener> listeners, @Nullable Executor executor,
      @Nullable ThreadFactory threadFactory) {
    this.listeners = List.copyOf(listeners);
    if (executor != null || this.listeners.isEmpty()) {
      this.executor = executor != null ? executor : Runnable::run;
    } else {
      // One thread that ends when idle: nothing to shut down, so no event published just before
      // close can be refused by a stopped executor.
      ThreadPoolExecutor own = new ThreadPoolExecutor(1, 1, 10, TimeUnit.SECONDS,
          new LinkedBlockingQueue<>(), threadFactory != null ? threadFactory : CredentialEvents::daemon);
      own.allowCoreThreadTimeOut(true);
      this.executor = own;
    }
  }

  private static Thread daemon(Runnable runnable) {
    Thread thread = new Thread(runnable, "dynsecret-credential-events-" + THREADS.incrementAndGet());
    thread.setDaemon(true);
    return thread;
  }

  void publish(CredentialEvent event) {
    if (listeners.isEmpty()) {
      return;
    }
    queue.add(event);
    schedule();
  }

  private void schedule() {
    if (draining.compareAndSet(false, true)) {
      try {
        executor.execute(this::drain);
      } catch (RejectedExecutionException e) {
        draining.set(false);
        log.warn("The listener executor refused managed credential events; {} dropped",
            queue.size());
        queue.clear();
      }
    }
  }

  private void drain() {
    try {
      CredentialEvent event;
      while ((event = queue.poll()) != null) {
        deliver(event);
      }
    } finally {
      draining.set(false);
    }
    if (!queue.isEmpty()) {
      schedule(); // an event arrived between the last poll and the flag's reset
    }
  }

  private void deliver(CredentialEvent event) {
    Listeners.callEach(listeners, listener -> listener.onEvent(event), log, "Credential listener",
        event.type() + " for '" + event.secretName() + "'");
  }
}
