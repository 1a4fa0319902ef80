package dev.dynsecret.apic.simulator;

import java.time.Duration;
import java.util.Objects;

/**
 * How long an API key can be exchanged for tokens. IBM's documentation describes keys that work
 * any number of times, keys that work once, and keys that time out; a key here can be single-use,
 * time out, both, or neither.
 *
 * <p>A rejected exchange answers HTTP 401 with a JSON error body. Tokens already issued stay valid
 * for their own lifetime. Time is read from the simulator's {@link java.time.Clock}.
 *
 * @param reusable whether the key can be exchanged more than once; if not, a second exchange is
 *     rejected
 * @param timeout how long after its creation the key stops working; {@link Duration#ZERO} means
 *     never, as in IBM's settings
 */
public record ApiKeyPolicy(boolean reusable, Duration timeout) {
  /**
   * Checks the timeout.
   *
   * @param reusable whether the key can be exchanged more than once; if not, a second exchange is
   *     rejected
   * @param timeout how long after its creation the key stops working; {@link Duration#ZERO} means
   *     never, as in IBM's settings
   * @throws IllegalArgumentException if {@code timeout} is negative
   */
  public ApiKeyPolicy {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("timeout: must not be negative, was " + timeout);
    }
  }

  /** {@return a key that can be exchanged any number of times and never times out (the default)} */
  public static ApiKeyPolicy multiUse() {
    return new ApiKeyPolicy(true, Duration.ZERO);
  }

  /** {@return a key whose second exchange is rejected} */
  public static ApiKeyPolicy singleUse() {
    return new ApiKeyPolicy(false, Duration.ZERO);
  }

  /**
   * {@return a multi-use key rejected once {@code timeout} has passed since its creation}
   *
   * @param timeout how long after its creation the key is accepted, or null for ever
   * @throws IllegalArgumentException if {@code timeout} is zero or negative
   */
  public static ApiKeyPolicy expiresAfter(Duration timeout) {
    if (timeout.isZero() || timeout.isNegative()) {
      throw new IllegalArgumentException("timeout: must be positive, was " + timeout);
    }
    return new ApiKeyPolicy(true, timeout);
  }
}
