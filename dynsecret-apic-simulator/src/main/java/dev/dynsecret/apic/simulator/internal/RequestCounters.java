package dev.dynsecret.apic.simulator.internal;

import dev.dynsecret.apic.simulator.RequestKind;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/** Requests received, by kind; tests can wait for a count instead of sleeping. */
public final class RequestCounters {
  private final EnumMap<RequestKind, Long> counts = new EnumMap<>(RequestKind.class);

  public RequestCounters() {
    clear();
  }

  synchronized void record(RequestKind kind) {
    counts.merge(kind, 1L, Long::sum);
    notifyAll();
  }

  public synchronized long count(RequestKind kind) {
    return counts.get(kind);
  }

  public synchronized long total() {
    return counts.values().stream().mapToLong(Long::longValue).sum();
  }

  /** A snapshot holding every kind, zero for kinds not seen. */
  public synchronized Map<RequestKind, Long> snapshot() {
    return Collections.unmodifiableMap(new EnumMap<>(counts));
  }

  /** Waits until {@code kind} has been seen at least {@code atLeast} times; false on timeout. */
  public synchronized boolean await(RequestKind kind, long atLeast, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (counts.get(kind) < atLeast) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      // wait(millis, nanos) would need splitting; millisecond granularity is plenty here
      wait(Math.max(1, left / 1_000_000));
    }
    return true;
  }

  public synchronized void clear() {
    for (RequestKind kind : RequestKind.values()) {
      counts.put(kind, 0L);
    }
    notifyAll();
  }
}
