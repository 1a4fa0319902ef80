package dev.dynsecret.apic.internal;

import dev.dynsecret.DefinitiveProviderException;
import dev.dynsecret.ProviderException;
import dev.dynsecret.Secret;
import dev.dynsecret.TransientProviderException;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Caches one access token and fetches a new one only when it is about to expire or was rejected.
 * At most one fetch is in flight: threads that need a token meanwhile wait for that fetch and
 * share its result, success or failure. This matters beyond load: an API key may be single-use,
 * so every needless exchange risks locking the secret out.
 */
final class TokenSource {

  /**
   * A token and when to stop using it.
   *
   * @param refreshAt when to fetch a new one, or null to keep it until the server rejects it
   */
  record Token(Secret value, @Nullable Instant refreshAt) {
    boolean usableAt(Instant now) {
      return refreshAt == null || now.isBefore(refreshAt);
    }

    @Override
    public String toString() {
      return "Token[refreshAt=" + refreshAt + "]";
    }
  }

  private final Supplier<Token> fetcher;
  private final Clock clock;
  private @Nullable Token current;
  private @Nullable CompletableFuture<Token> inflight;
  private int fetched;

  /** @param fetcher exchanges the API key for a token; called by one thread at a time */
  TokenSource(Supplier<Token> fetcher, Clock clock) {
    this.fetcher = fetcher;
    this.clock = clock;
  }

  /** A usable token, from the cache or from a fetch this call makes or joins. */
  Token get() {
    CompletableFuture<Token> mine;
    CompletableFuture<Token> other;
    synchronized (this) {
      if (current != null && current.usableAt(clock.instant())) {
        return current;
      }
      other = inflight;
      mine = other == null ? new CompletableFuture<>() : null;
      if (mine != null) {
        inflight = mine;
      }
    }
    if (other != null) {
      try {
        return other.join();
      } catch (CompletionException e) {
        throw sharedFailure(e.getCause());
      }
    }
    try {
      Token token = fetcher.get();
      synchronized (this) {
        current = token;
        inflight = null;
        fetched++;
      }
      mine.complete(token);
      return token;
    } catch (RuntimeException e) {
      synchronized (this) {
        inflight = null;
      }
      mine.completeExceptionally(e);
      throw e;
    }
  }

  /** A fresh exception per waiting thread, so each one carries its own stack. */
  private static RuntimeException sharedFailure(Throwable cause) {
    if (cause instanceof DefinitiveProviderException d) {
      return new DefinitiveProviderException(d.getMessage(), d);
    }
    if (cause instanceof ProviderException p) {
      return new TransientProviderException(p.getMessage(), p, p.retryAfter().orElse(null));
    }
    if (cause instanceof RuntimeException r) {
      return r;
    }
    return new TransientProviderException("getting an access token failed", cause);
  }

  /**
   * Drops {@code rejected} so the next {@link #get} fetches anew; does nothing if another thread
   * has already replaced it, so one stale 401 cannot throw away a fresh token.
   */
  synchronized void invalidate(Token rejected) {
    if (current == rejected) {
      current = null;
    }
  }

  /** Whether a token was ever obtained, to tell a first failure from a later one. */
  synchronized boolean everFetched() {
    return fetched > 0;
  }
}
