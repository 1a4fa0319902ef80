package dev.dynsecret;

/**
 * An operation the lease's current state does not allow, such as renewing a lease that has
 * expired or been revoked. The message names the state.
 */
public class LeaseStateException extends DynamicSecretException {
  private static final long serialVersionUID = 1L;

  /** The state the lease was in. */
  private final LeaseState state;

  /**
   * With a message naming the lease and its state.
   *
   * @param message what was refused, naming the lease and its state
   * @param state the state the lease was in
   */
  public LeaseStateException(String message, LeaseState state) {
    super(message);
    this.state = state;
  }

  /** {@return the state the lease was in when the operation was refused} */
  public LeaseState state() {
    return state;
  }
}
