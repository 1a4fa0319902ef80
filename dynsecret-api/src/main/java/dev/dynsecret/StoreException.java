package dev.dynsecret;

/**
 * The lease store failed (a database that is down, a connection that dropped). Work that needed
 * the store is delayed, never lost: background work tries again on the next pass.
 */
public class StoreException extends DynamicSecretException {
  private static final long serialVersionUID = 1L;

  public StoreException(String message) {
    super(message);
  }

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
