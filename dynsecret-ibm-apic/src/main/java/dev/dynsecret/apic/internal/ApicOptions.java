package dev.dynsecret.apic.internal;

import java.net.ProxySelector;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/**
 * Programmatic options shared by every secret of one provider instance.
 *
 * @param sslContext trust for every secret without its own trust store, or null for the JDK's
 * @param proxy the proxy selector, or null for a direct connection
 * @param clock time source for token lifetimes and {@code Retry-After} dates
 * @param sleeper waits between retries
 * @param pageSize the {@code limit} asked for when paging lists
 * @param maxRetries how often an idempotent call is retried after a transient failure
 * @param baseBackoff the wait before the first retry; it doubles on each further one
 * @param maxInlineWait the longest {@code Retry-After} waited for inside one call; a longer one
 *     ends the call with the wait left to the caller
 */
public record ApicOptions(
    @Nullable SSLContext sslContext,
    @Nullable ProxySelector proxy,
    Clock clock,
    Sleeper sleeper,
    int pageSize,
    int maxRetries,
    Duration baseBackoff,
    Duration maxInlineWait) {

  public static final int DEFAULT_PAGE_SIZE = 100;
  public static final int DEFAULT_MAX_RETRIES = 3;
  public static final Duration DEFAULT_BASE_BACKOFF = Duration.ofMillis(250);
  public static final Duration DEFAULT_MAX_INLINE_WAIT = Duration.ofSeconds(10);

  public ApicOptions {
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(sleeper, "sleeper");
    Objects.requireNonNull(baseBackoff, "baseBackoff");
    Objects.requireNonNull(maxInlineWait, "maxInlineWait");
    if (pageSize < 1) {
      throw new IllegalArgumentException("pageSize must be positive; was " + pageSize);
    }
    if (maxRetries < 0) {
      throw new IllegalArgumentException("maxRetries must not be negative; was " + maxRetries);
    }
  }
}
