package dev.dynsecret.testkit;

import dev.dynsecret.Secret;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Where the test kit's tools announce the secret values they make up or hand out: the client
 * secrets {@link RecordingProvider} generates, and the API keys, tokens and client secrets the
 * APIC simulator ({@code dynsecret-apic-simulator}) issues. A build that wants to check that none
 * of these values reaches a log, an exception message or a report registers an {@link Observer};
 * without one, announcing does nothing.
 *
 * <p>Observers are found once, with {@link ServiceLoader}, on the class path of the test run: put
 * a jar holding {@code META-INF/services/dev.dynsecret.testkit.IssuedSecrets$Observer} on the test
 * class path and every value is passed to it. dynsecret's own build does this with an unpublished
 * module that writes the values to a file its log search reads.
 */
public final class IssuedSecrets {
  private static final List<Observer> OBSERVERS = ServiceLoader
      .load(Observer.class, IssuedSecrets.class.getClassLoader()).stream()
      .map(ServiceLoader.Provider::get)
      .toList();

  private IssuedSecrets() {}

  /**
   * Told of every secret value a test tool issued. Called from whichever thread issued it, possibly
   * many at once, so implementations must be thread-safe; they must not log the value.
   */
  public interface Observer {
    /**
     * {@code value} was issued; never null or empty.
     *
     * @param value the plain value
     */
    void issued(String value);
  }

  /**
   * Announces {@code value} to every observer; null and empty values are ignored.
   *
   * @param value the plain value
   */
  public static void issued(String value) {
    if (value == null || value.isEmpty()) {
      return;
    }
    for (Observer observer : OBSERVERS) {
      observer.issued(value);
    }
  }

  /**
   * Announces the plain value of {@code secret}, if not null.
   *
   * @param secret the secret, or null
   */
  public static void issued(Secret secret) {
    if (secret != null) {
      issued(secret.reveal());
    }
  }

  /** {@return whether any observer was found: lets a build check that its recording is wired in} */
  public static boolean observed() {
    return !OBSERVERS.isEmpty();
  }
}
