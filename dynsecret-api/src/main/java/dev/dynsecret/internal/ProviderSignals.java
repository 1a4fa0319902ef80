package dev.dynsecret.internal;

import dev.dynsecret.spi.ProviderContext;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What providers report about their external systems, passed on to the listeners and to the parts
 * of the engine that adapt to it (the due-work window slows down when told to).
 */
public final class ProviderSignals {
  private static final Logger log = LoggerFactory.getLogger(ProviderSignals.class);

  /** A part of the engine that reacts to a provider being throttled. */
  @FunctionalInterface
  public interface ThrottleObserver {
    void throttled(String secretName, String target, Duration wait);
  }

  private final Listeners listeners;
  private final List<ThrottleObserver> observers = new CopyOnWriteArrayList<>();

  public ProviderSignals(Listeners listeners) {
    this.listeners = listeners;
  }

  public void observe(ThrottleObserver observer) {
    observers.add(observer);
  }

  /** The context handed to the connection of {@code secretName}. */
  public ProviderContext contextFor(String secretName) {
    return new ProviderContext() {
      @Override
      public String secretName() {
        return secretName;
      }

      @Override
      public void throttled(String target, Duration wait) {
        log.info("Provider of dynamic secret '{}' was asked to slow down: calls to {} wait {}",
            secretName, target, Durations.format(wait));
        for (ThrottleObserver observer : observers) {
          observer.throttled(secretName, target, wait);
        }
        listeners.fire("providerThrottled", target,
            listener -> listener.providerThrottled(secretName, target, wait));
      }
    };
  }
}
