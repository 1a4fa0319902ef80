package dev.dynsecret.internal;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The engine's threads: where they come from and how they are stopped. */
final class Threads {
  private Threads() {}

  /**
   * The caller's thread factory if one was configured; otherwise daemon threads named after their
   * role, for thread dumps.
   */
  static ThreadFactory named(EngineSettings settings, String role) {
    ThreadFactory configured = settings.threadFactory();
    if (configured != null) {
      return configured;
    }
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, "dynsecret-" + role + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  /** Waits for {@code executor} to end until {@code deadline} (nano time), then interrupts it. */
  static void awaitOrStop(ExecutorService executor, long deadline) {
    try {
      if (!executor.awaitTermination(Math.max(0, deadline - System.nanoTime()),
          TimeUnit.NANOSECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
