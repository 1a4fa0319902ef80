package dev.dynsecret;

/**
 * A write lost a race: the stored lease changed since it was read (its version moved on), or a
 * lease with the same id exists already. Nothing was overwritten; read again and decide.
 */
public class ConflictException extends DynamicSecretException {
  private static final long serialVersionUID = 1L;

  /**
   * With a message that names what failed (never secrets).
   *
   * @param message what failed, naming it (never a secret value)
   */
  public ConflictException(String message) {
    super(message);
  }
}
