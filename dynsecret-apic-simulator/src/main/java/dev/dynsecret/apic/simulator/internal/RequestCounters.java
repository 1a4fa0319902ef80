package dev.dynsecret.apic.simulator.internal;

import dev.dynsecret.apic.simulator.RequestKind;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

/**
 * Requests received and rate-limited, by kind, and answers sent, by status; tests can wait for a
 * count instead of sleeping.
 */
public final class RequestCounters {
  private final EnumMap<RequestKind, Long> counts = new EnumMap<>(RequestKind.class);
  private final EnumMap<RequestKind, Long> rateLimited = new EnumMap<>(RequestKind.class);
  private final Map<Integer, Long> statuses = new HashMap<>();

  public RequestCounters() {
    clear();
  }

  synchronized void record(RequestKind kind) {
    counts.merge(kind, 1L, Long::sum);
    notifyAll();
  }

  synchronized void recordRateLimited(RequestKind kind) {
    rateLimited.merge(kind, 1L, Long::sum);
  }

  synchronized void recordStatus(int status) {
    statuses.merge(status, 1L, Long::sum);
  }

  public synchronized long rateLimited(RequestKind kind) {
    return rateLimited.get(kind);
  }

  public synchronized long rateLimited() {
    return rateLimited.values().stream().mapToLong(Long::longValue).sum();
  }

  public synchronized long answered(int status) {
    return statuses.getOrDefault(status, 0L);
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
      rateLimited.put(kind, 0L);
    }
    statuses.clear();
    notifyAll();
  }
}
