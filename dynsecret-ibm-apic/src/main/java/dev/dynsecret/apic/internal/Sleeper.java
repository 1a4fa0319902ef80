package dev.dynsecret.apic.internal;

import java.time.Duration;

/** Waits between retries; replaced in tests so that they never sleep. */
@FunctionalInterface
public interface Sleeper {
  /** The real thing: {@link Thread#sleep}. */
  Sleeper SYSTEM = d -> Thread.sleep(Math.max(0, d.toMillis()));

  void sleep(Duration duration) throws InterruptedException;
}
