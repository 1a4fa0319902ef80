package dev.dynsecret;

import org.jspecify.annotations.Nullable;

/**
 * The lease store failed (a database that is down, a connection that dropped). Work that needed
 * the store is delayed, never lost: background work tries again on the next pass.
 */
public class StoreException extends DynamicSecretException {
  private static final long serialVersionUID = 1L;

  /**
   * With a message that names what failed (never secrets).
   *
   * @param message what failed, naming it (never a secret value)
   */
  public StoreException(String message) {
    super(message);
  }

  /**
   * With a message that names what failed (never secrets) and the underlying cause.
   *
   * @param message what failed, naming it (never a secret value)
   * @param cause the underlying failure, or null
   */
  public StoreException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
