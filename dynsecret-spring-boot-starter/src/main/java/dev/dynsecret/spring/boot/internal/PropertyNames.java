package dev.dynsecret.spring.boot.internal;

import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns the field an {@link dev.dynsecret.InvalidRequestException} names into the property the
 * user wrote, so a start-up failure points at the line to fix.
 */
final class PropertyNames {
  static final String PREFIX = "dynsecret.";

  /** Fields of {@link dev.dynsecret.DynamicSecret} and the property each comes from. */
  private static final Map<String, String> SECRET_FIELDS = Map.of(
      "name", "",
      "providerType", ".provider",
      "providerConfig", ".config",
      "defaultTtl", ".default-ttl",
      "maxTtl", ".max-ttl",
      "leaseLimit", ".lease-limit");

  /** Fields of {@link dev.dynsecret.RetryPolicy}. */
  private static final Set<String> RETRY_FIELDS =
      Set.of("maxAttempts", "initialDelay", "maxDelay", "multiplier", "jitter");

  private PropertyNames() {}

  /** {@code pollInterval} → {@code dynsecret.poll-interval}; retry fields under {@code dynsecret.retry.}. */
  static String engine(String field) {
    return PREFIX + (RETRY_FIELDS.contains(field) ? "retry." : "") + kebab(field);
  }

  /**
   * The property of a secret's field: one of the definition's fields, or else a key of its
   * provider configuration (providers name the configuration key they refuse).
   */
  static String secret(String secretName, String field) {
    // Spring's bracket notation for a map key that would not survive as a plain name element.
    String base = PREFIX + "secrets" + (secretName.matches("[a-z0-9-]+")
        ? "." + secretName : "[" + secretName + "]");
    String suffix = SECRET_FIELDS.get(field);
    return suffix != null ? base + suffix : base + ".config." + field;
  }

  static String kebab(String camel) {
    StringBuilder out = new StringBuilder(camel.length() + 4);
    for (char c : camel.toCharArray()) {
      if (Character.isUpperCase(c)) {
        out.append('-').append(Character.toLowerCase(c));
      } else {
        out.append(c);
      }
    }
    return out.toString().toLowerCase(Locale.ROOT);
  }
}
