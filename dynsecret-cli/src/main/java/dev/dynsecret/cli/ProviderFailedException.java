package dev.dynsecret.cli;

/**
 * A command finished, but the provider did not do all it was asked (a revocation left pending,
 * an orphan not deleted): exit code {@link ExitCodes#PROVIDER}. The details were printed.
 */
final class ProviderFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  ProviderFailedException(String message) {
    super(message, null, false, false);
  }
}
