package dev.dynsecret;

import dev.dynsecret.InvalidRequestException;
import dev.dynsecret.Secret;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A dynamic secret's provider configuration: named string values such as a URL, an organization
 * and an API key. It is host-application configuration and is never written to a lease store.
 *
 * <p>Because some values are credentials, {@link #toString()} shows the keys only.
 */
public final class ProviderConfig {
  private final Map<String, String> values;

  private ProviderConfig(Map<String, String> values) {
    this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
  }

  /**
   * {@return a configuration holding a copy of {@code values}; null values are dropped}
   *
   * @param values the keys and values
   */
  public static ProviderConfig of(Map<String, String> values) {
    Map<String, String> copy = new LinkedHashMap<>();
    values.forEach((k, v) -> {
      if (k != null && v != null) {
        copy.put(k, v);
      }
    });
    return new ProviderConfig(copy);
  }

  /** {@return an empty configuration, for providers that need none} */
  public static ProviderConfig empty() {
    return new ProviderConfig(Map.of());
  }

  /** {@return a builder, for configuration assembled in code} */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * {@return the value of {@code key}, if present and not blank}
   *
   * @param key the configuration key
   */
  public Optional<String> get(String key) {
    String value = values.get(key);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
  }

  /**
   * {@return the value of {@code key}}
   *
   * @param key the configuration key
   * @throws InvalidRequestException naming the key when it is missing or blank
   */
  public String require(String key) {
    return get(key).orElseThrow(() -> new InvalidRequestException(key, "is required"));
  }

  /**
   * {@return the value of {@code key} as a {@link Secret}; surrounding white space is kept, since
   * it may
   * be part of the credential}
   *
   * @param key the configuration key
   * @throws InvalidRequestException naming the key when it is missing or empty
   */
  public Secret requireSecret(String key) {
    String value = values.get(key);
    if (value == null || value.isEmpty()) {
      throw new InvalidRequestException(key, "is required");
    }
    return Secret.of(value);
  }

  /** {@return the keys present} */
  public Set<String> keys() {
    return values.keySet();
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof ProviderConfig other && values.equals(other.values);
  }

  @Override
  public int hashCode() {
    return values.hashCode();
  }

  /** Lists the keys only: values may be credentials. */
  @Override
  public String toString() {
    return "ProviderConfig" + keys() + " (values redacted)";
  }

  /** Assembles a {@link ProviderConfig}. */
  public static final class Builder {
    private final Map<String, String> values = new LinkedHashMap<>();

    private Builder() {}

    /**
     * Sets {@code key} to {@code value}; a null value removes the key.
     *
     * @param key the configuration key
     * @param value the value, or null to remove the key
     * @return this builder
     */
    public Builder put(String key, @Nullable String value) {
      if (value == null) {
        values.remove(key);
      } else {
        values.put(key, value);
      }
      return this;
    }

    /**
     * Sets {@code key} to the plain value of {@code secret}.
     *
     * @param key the configuration key
     * @param secret the value, or null to remove the key
     * @return this builder
     */
    public Builder put(String key, @Nullable Secret secret) {
      return put(key, secret == null ? null : secret.reveal());
    }

    /** {@return the configuration} */
    public ProviderConfig build() {
      return new ProviderConfig(values);
    }
  }
}
