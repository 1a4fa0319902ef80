package dev.dynsecret;

/** A create refused because the dynamic secret already has as many live leases as it allows. */
public class LeaseLimitExceededException extends DynamicSecretException {
  private static final long serialVersionUID = 1L;

  /**
   * With a message that names what failed (never secrets).
   *
   * @param message what failed, naming it (never a secret value)
   */
  public LeaseLimitExceededException(String message) {
    super(message);
  }
}
