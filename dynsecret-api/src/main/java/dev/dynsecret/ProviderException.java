package dev.dynsecret;

import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A provider could not do what was asked of the external system. {@link TransientProviderException}
 * is worth retrying (timeouts, dropped connections, 429, 5xx); {@link DefinitiveProviderException}
 * can never succeed as asked (bad credentials, missing permission, unknown application).
 *
 * <p>Providers must build messages from status codes and the system's error text only, never from
 * request bodies, headers or tokens.
 */
public abstract class ProviderException extends DynamicSecretException {
  private static final long serialVersionUID = 1L;

  /**
   * With a message that names what failed (never secrets) and the underlying cause.
   *
   * @param message what failed, naming it (never a secret value)
   * @param cause the underlying failure, or null
   */
  protected ProviderException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }

  /** {@return whether the same call may succeed if tried again later} */
  public abstract boolean isTransient();

  /** {@return how long the system asked callers to wait before trying again, if it said} */
  public Optional<Duration> retryAfter() {
    return Optional.empty();
  }
}
