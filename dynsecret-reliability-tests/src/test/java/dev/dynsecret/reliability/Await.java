package dev.dynsecret.reliability;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Waiting for a condition with a deadline. The scenarios that use it run on real time (a database
 * outage cannot be simulated by moving a clock); no assertion depends on how long a wait took,
 * only on the condition, and a condition that does not come fails the test at the deadline.
 */
final class Await {
  private Await() {}

  /** Polls {@code condition} every 20 ms until true; fails naming {@code what} after {@code max}. */
  static Duration until(Duration max, String what, BooleanSupplier condition) {
    long start = System.nanoTime();
    long deadline = start + max.toNanos();
    while (!safely(condition)) {
      if (System.nanoTime() - deadline > 0) {
        fail("waited " + max + " for " + what);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        fail("interrupted waiting for " + what);
      }
    }
    return Duration.ofNanos(System.nanoTime() - start);
  }

  /** A condition that cannot be checked right now (the store is away) is not met yet. */
  private static boolean safely(BooleanSupplier condition) {
    try {
      return condition.getAsBoolean();
    } catch (RuntimeException notYet) {
      return false;
    }
  }
}
