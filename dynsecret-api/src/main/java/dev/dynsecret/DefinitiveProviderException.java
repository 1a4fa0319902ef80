package dev.dynsecret;

import org.jspecify.annotations.Nullable;

/**
 * A provider failure that retrying cannot fix. A revocation that fails this way moves the lease to
 * {@link LeaseState#REVOCATION_FAILED} at once.
 */
public class DefinitiveProviderException extends ProviderException {
  private static final long serialVersionUID = 1L;

  /**
   * With a message that names what failed (never secrets).
   *
   * @param message what failed, naming it (never a secret value)
   */
  public DefinitiveProviderException(String message) {
    super(message, null);
  }

  /**
   * With a message that names what failed (never secrets) and the underlying cause.
   *
   * @param message what failed, naming it (never a secret value)
   * @param cause the underlying failure, or null
   */
  public DefinitiveProviderException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }

  @Override
  public boolean isTransient() {
    return false;
  }
}
