package dev.dynsecret;

/**
 * The {@link LeaseManager} was closed: it refuses every call, claims no due work and starts no
 * provider call. Build a new manager to go on; leases are in the store and nothing is lost.
 */
public class ManagerClosedException extends DynamicSecretException {
  private static final long serialVersionUID = 1L;

  /**
   * With a message naming the refused operation.
   *
   * @param message the refused operation
   */
  public ManagerClosedException(String message) {
    super(message);
  }
}
