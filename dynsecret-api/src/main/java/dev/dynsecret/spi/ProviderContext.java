package dev.dynsecret.spi;

import java.time.Duration;

/**
 * What the engine offers a {@link ProviderConnection} besides its configuration: a way to tell
 * the engine how the external system is behaving. The engine passes one to {@link
 * DynamicSecretProvider#connect(dev.dynsecret.ProviderConfig, ProviderContext)} per dynamic
 * secret; it is safe to call from any thread.
 *
 * <p><b>Evolution:</b> methods added to this interface after the first release come with a default.
 */
public interface ProviderContext {

  /**
   * The dynamic secret the connection is built for.
   *
   * @return the secret's registered name
   */
  String secretName();

  /**
   * Reports that the external system asked callers to slow down (an HTTP 429 or a
   * {@code Retry-After}, say) and that every call to {@code target} now waits {@code wait} before
   * it is sent. Call it once per such episode, not once per waiting call: the engine tells its
   * listeners, and narrows how many provider calls it keeps in flight.
   *
   * @param target where the calls go, in words safe to log (a base URL without credentials)
   * @param wait how long calls to the target are held back
   */
  void throttled(String target, Duration wait);

  /**
   * A context that reports nothing, for a connection built outside a lease manager (tests, tools).
   *
   * @param secretName the name {@link #secretName()} returns
   * @return a context whose {@link #throttled} does nothing
   */
  static ProviderContext detached(String secretName) {
    return new ProviderContext() {
      @Override
      public String secretName() {
        return secretName;
      }

      @Override
      public void throttled(String target, Duration wait) {}
    };
  }
}
