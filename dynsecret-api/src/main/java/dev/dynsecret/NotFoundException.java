package dev.dynsecret;

/** No lease, dynamic secret or provider exists under the given name or id. */
public class NotFoundException extends DynamicSecretException {
  private static final long serialVersionUID = 1L;

  /**
   * With a message that names what failed (never secrets).
   *
   * @param message what failed, naming it (never a secret value)
   */
  public NotFoundException(String message) {
    super(message);
  }
}
