package dev.dynsecret.cli;

import dev.dynsecret.ConflictException;
import dev.dynsecret.InvalidRequestException;
import dev.dynsecret.LeaseLimitExceededException;
import dev.dynsecret.LeaseStateException;
import dev.dynsecret.NotFoundException;
import dev.dynsecret.PartialRevocationException;
import dev.dynsecret.ProviderException;
import dev.dynsecret.StoreException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Turns what a command threw into one {@code error: ...} line that says what to fix, and the
 * exit code of its kind. The library's messages hold no secrets; neither does anything added here.
 */
final class Failures implements IExecutionExceptionHandler {
  private final boolean[] verbose;

  /** @param verbose read when a failure happens: whether to print the chain of causes */
  Failures(boolean[] verbose) {
    this.verbose = verbose;
  }

  @Override
  public int handleExecutionException(Exception e, CommandLine commandLine, ParseResult parsed) {
    PrintWriter err = commandLine.getErr();
    err.println("error: " + message(e));
    if (verbose[0]) {
      for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause();
          cause = cause.getCause()) {
        err.println("  caused by " + cause.getClass().getSimpleName() + ": " + cause.getMessage());
      }
    }
    err.flush();
    return exitCode(e);
  }

  static int exitCode(Throwable e) {
    if (e instanceof ConfigException || e instanceof InvalidRequestException
        || e instanceof IllegalArgumentException) {
      return ExitCodes.USAGE;
    }
    if (e instanceof NotFoundException || e instanceof NotDefinedException) {
      return ExitCodes.NOT_FOUND;
    }
    if (e instanceof ProviderException || e instanceof PartialRevocationException
        || e instanceof ProviderFailedException) {
      return ExitCodes.PROVIDER;
    }
    if (e instanceof StoreException) {
      return ExitCodes.STORE;
    }
    if (e instanceof LeaseStateException || e instanceof LeaseLimitExceededException
        || e instanceof ConflictException) {
      return ExitCodes.REFUSED;
    }
    return ExitCodes.INTERNAL;
  }

  static String message(Throwable e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if (e instanceof NotFoundException) {
      return m + " (list leases with: dynsecret leases --all)";
    }
    if (e instanceof ProviderException p) {
      return "the provider failed: " + m + (p.isTransient()
          ? " (this may pass: try again" + p.retryAfter().map(d -> " in " + Durations.format(d))
              .orElse(" later") + ")"
          : " (the provider refused: trying again will not help until the cause is fixed)");
    }
    if (e instanceof PartialRevocationException p) {
      return m + "; failed leases: " + String.join(", ", p.failedLeaseIds())
          + " (they are retried in the background; see dynsecret leases --state"
          + " active,revocation_failed)";
    }
    if (e instanceof ConfigException || e instanceof NotDefinedException
        || e instanceof StoreException || e instanceof ProviderFailedException) {
      return m;
    }
    if (e instanceof InvalidRequestException || e instanceof LeaseStateException
        || e instanceof LeaseLimitExceededException || e instanceof ConflictException) {
      return m;
    }
    return e.getClass().getSimpleName() + ": " + m;
  }
}
