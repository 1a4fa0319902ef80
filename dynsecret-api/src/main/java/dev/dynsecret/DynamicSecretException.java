package dev.dynsecret;

import org.jspecify.annotations.Nullable;

/**
 * The root of every exception dynsecret throws. It is unchecked; catch a subclass to react to one
 * kind of failure, or this type to catch them all.
 *
 * <p>No message of this hierarchy ever contains secret data, provider credentials or tokens.
 */
public abstract class DynamicSecretException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * With a message that names what failed (never secrets).
   *
   * @param message what failed, naming it (never a secret value)
   */
  protected DynamicSecretException(String message) {
    super(message);
  }

  /**
   * With a message that names what failed (never secrets) and the underlying cause.
   *
   * @param message what failed, naming it (never a secret value)
   * @param cause the underlying failure, or null
   */
  protected DynamicSecretException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
