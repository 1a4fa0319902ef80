package dev.dynsecret;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A secret value: an API key, a client secret, an access token, a generated password.
 *
 * <p>Its {@link #toString()} never shows the value, so a secret can be passed to loggers, put in
 * records and exception messages by accident without leaking. Call {@link #reveal()} only at the
 * point where the plain value is really needed (an HTTP header, a JDBC URL).
 */
public final class Secret {
  private static final String REDACTED = "Secret[redacted]";

  private final String value;

  private Secret(String value) {
    this.value = value;
  }

  /**
   * Wraps a secret value.
   *
   * @param value the plain value; not null or empty
   * @return the wrapped value
   * @throws InvalidRequestException if {@code value} is null or empty
   */
  public static Secret of(String value) {
    if (value == null || value.isEmpty()) {
      throw new InvalidRequestException("secret", "must not be empty");
    }
    return new Secret(value);
  }

  /** {@return the plain value} Do not log it, print it or keep it longer than needed. */
  public String reveal() {
    return value;
  }

  /**
   * {@return the value with all but its last {@code visible} characters replaced by {@code *}}
   *
   * @param visible how many characters to leave visible at the end
   */
  public String masked(int visible) {
    int keep = Math.max(0, Math.min(visible, value.length() / 4));
    return "*".repeat(Math.max(4, value.length() - keep)) + value.substring(value.length() - keep);
  }

  /** Compares in constant time, so equality checks do not leak the value through timing. */
  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof Secret other
        && MessageDigest.isEqual(
            value.getBytes(StandardCharsets.UTF_8), other.value.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public int hashCode() {
    return Objects.hash(value.length());
  }

  @Override
  public String toString() {
    return REDACTED;
  }
}
