package dev.dynsecret;

import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** A provider failure that may pass: the engine retries it with backoff. */
public class TransientProviderException extends ProviderException {
  private static final long serialVersionUID = 1L;

  private final @Nullable Duration retryAfter;

  /** With a message that names what failed (never secrets). */
  public TransientProviderException(String message) {
    this(message, null, null);
  }

  /** With a message that names what failed (never secrets) and the underlying cause. */
  public TransientProviderException(String message, @Nullable Throwable cause) {
    this(message, cause, null);
  }

  /**
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
