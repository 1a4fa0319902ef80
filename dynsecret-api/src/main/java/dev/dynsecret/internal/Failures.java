package dev.dynsecret.internal;

import dev.dynsecret.ProviderException;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/** How failures are told apart and written down on a lease. */
final class Failures {
  private Failures() {}

  /** A failure as text for the lease record: its kind and message, never a stack trace. */
  static String describe(RuntimeException e) {
    String kind = e instanceof ProviderException p
        ? (p.isTransient() ? "transient" : "definitive")
        : e.getClass().getSimpleName();
    String message = kind + ": " + e.getMessage();
    return message.length() > 1000 ? message.substring(0, 1000) + "…" : message;
  }

  /** Whether the provider said the call can never succeed as asked. */
  static boolean definitive(RuntimeException e) {
    return e instanceof ProviderException p && !p.isTransient();
  }

  /** How long the system asked callers to wait, or null if it did not say. */
  static @Nullable Duration retryAfter(RuntimeException e) {
    return e instanceof ProviderException p ? p.retryAfter().orElse(null) : null;
  }
}
