package dev.dynsecret;

import org.jspecify.annotations.Nullable;

/**
 * The lease store failed (a database that is down, a connection that dropped). Work that needed
 * the store is delayed, never lost: background work tries again on the next pass.
 */
public class StoreException extends DynamicSecretException {
  private static final long serialVersionUID = 1L;

  /** With a message that names what failed (never secrets). */
  public StoreException(String message) {
    super(message);
  }

  /** With a message that names what failed (never secrets) and the underlying cause. */
  public StoreException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
