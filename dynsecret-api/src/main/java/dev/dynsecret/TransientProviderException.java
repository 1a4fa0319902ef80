package dev.dynsecret;

import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** A provider failure that may pass: the engine retries it with backoff. */
public class TransientProviderException extends ProviderException {
  private static final long serialVersionUID = 1L;

  /** How long the system asked callers to wait, if it said. */
  private final @Nullable Duration retryAfter;

  /**
   * With a message that names what failed (never secrets).
   *
   * @param message what failed, naming it (never a secret value)
   */
  public TransientProviderException(String message) {
    this(message, null, null);
  }

  /**
   * With a message that names what failed (never secrets) and the underlying cause.
   *
   * @param message what failed, naming it (never a secret value)
   * @param cause the underlying failure, or null
   */
  public TransientProviderException(String message, @Nullable Throwable cause) {
    this(message, cause, null);
  }

  /**
   * With a message that names what failed (never secrets), the underlying cause and the wait the
   * external system asked for.
   *
   * @param message what failed, naming it (never a secret value)
   * @param cause the underlying failure, or null
   * @param retryAfter how long the system asked to wait, or null if it did not say
   */
  public TransientProviderException(
      String message, @Nullable Throwable cause, @Nullable Duration retryAfter) {
    super(message, cause);
    this.retryAfter = retryAfter;
  }

  @Override
  public boolean isTransient() {
    return true;
  }

  @Override
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }
}
