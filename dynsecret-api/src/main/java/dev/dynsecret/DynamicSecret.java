package dev.dynsecret;

import dev.dynsecret.internal.Durations;
import dev.dynsecret.internal.Texts;
import java.time.Duration;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A named definition of dynamic secrets: which provider makes the credentials, how it is
 * configured, and how long leases may live. Definitions are host-application configuration,
 * registered with {@link LeaseManager#register}; they are never written to the lease store.
 *
 * <p>Construction checks every rule and throws {@link InvalidRequestException} naming the field:
 * both TTLs positive and at most {@link #LONGEST_TTL}, the default TTL not above the max TTL, a
 * positive lease limit.
 *
 * @param name unique name: letters, digits, {@code .}, {@code _} or {@code -}, at most 64
 * @param providerType the provider that makes the credentials, e.g. {@code ibm-api-connect}
 * @param providerConfig the provider's configuration; may hold credentials
 * @param defaultTtl the TTL of a lease created or renewed without one
 * @param maxTtl no lease lives past {@code createdAt + maxTtl}, however often renewed
 * @param leaseLimit the most leases (pending or active) the secret may have at once, if limited
 */
public record DynamicSecret(
    String name,
    String providerType,
    ProviderConfig providerConfig,
    Duration defaultTtl,
    Duration maxTtl,
    OptionalInt leaseLimit) {

  /**
   * The longest TTL a definition may have, about a century: {@code createdAt + maxTtl} must be a
   * time every lease store can hold.
   */
  public static final Duration LONGEST_TTL = Duration.ofDays(36_500);

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  /**
   * Checks every rule, throwing {@link dev.dynsecret.InvalidRequestException} naming the field.
   *
   * @param name unique name: letters, digits, {@code .}, {@code _} or {@code -}, at most 64
   * @param providerType the provider that makes the credentials, e.g. {@code ibm-api-connect}
   * @param providerConfig the provider's configuration; may hold credentials
   * @param defaultTtl the TTL of a lease created or renewed without one
   * @param maxTtl no lease lives past {@code createdAt + maxTtl}, however often renewed
   * @param leaseLimit the most leases (pending or active) the secret may have at once, if limited
   */
  public DynamicSecret {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new InvalidRequestException("name",
          "must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit; was "
              + (name == null ? "null" : Texts.quoted(name)));
    }
    if (providerType == null || providerType.isBlank()) {
      throw new InvalidRequestException("providerType", "is required");
    }
    Objects.requireNonNull(providerConfig, "providerConfig");
    requirePositive("defaultTtl", defaultTtl);
    requirePositive("maxTtl", maxTtl);
    if (defaultTtl.compareTo(maxTtl) > 0) {
      throw new InvalidTtlException("defaultTtl", "must not exceed maxTtl " + Durations.format(maxTtl)
          + "; was " + Durations.format(defaultTtl));
    }
    leaseLimit = leaseLimit == null ? OptionalInt.empty() : leaseLimit;
    if (leaseLimit.isPresent() && leaseLimit.getAsInt() <= 0) {
      throw new InvalidRequestException("leaseLimit", "must be positive; was " + leaseLimit.getAsInt());
    }
  }

  private static void requirePositive(String field, Duration ttl) {
    if (ttl == null) {
      throw new InvalidTtlException(field, "is required");
    }
    if (ttl.isNegative() || ttl.isZero()) {
      throw new InvalidTtlException(field, "must be positive; was " + Durations.format(ttl));
    }
    if (ttl.compareTo(LONGEST_TTL) > 0) {
      throw new InvalidTtlException(field, "must be at most " + Durations.format(LONGEST_TTL)
          + "; was " + Durations.format(ttl));
    }
  }

  /**
   * Starts a definition named {@code name}.
   *
   * @param name the dynamic secret's name: 1 to 64 letters, digits, {@code .}, {@code _} or {@code
   *     -}, starting with a letter or digit
   * @return a builder for the definition
   */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** {@return a builder preloaded with this definition, to derive a changed copy} */
  public Builder toBuilder() {
    return new Builder(name)
        .provider(providerType, providerConfig)
        .defaultTtl(defaultTtl)
        .maxTtl(maxTtl)
        .leaseLimit(leaseLimit.isPresent() ? leaseLimit.getAsInt() : null);
  }

  /** Builds {@link DynamicSecret}s. Every rule is checked by {@link #build()}. */
  public static final class Builder {
    private final String name;
    private @Nullable String providerType;
    private ProviderConfig providerConfig = ProviderConfig.empty();
    private @Nullable Duration defaultTtl;
    private @Nullable Duration maxTtl;
    private @Nullable Integer leaseLimit;

    private Builder(String name) {
      this.name = name;
    }

    /**
     * The provider type and its configuration.
     *
     * @param type the provider type, e.g. {@code ibm-api-connect}
     * @param config the provider's configuration
     * @return this builder
     */
    public Builder provider(String type, ProviderConfig config) {
      this.providerType = type;
      this.providerConfig = config;
      return this;
    }

    /**
     * The TTL of leases created or renewed without one.
     *
     * @param ttl the TTL of leases created or renewed without one
     * @return this builder
     */
    public Builder defaultTtl(Duration ttl) {
      this.defaultTtl = ttl;
      return this;
    }

    /**
     * The longest a lease may live, counted from its creation. Defaults (also when null) to the
     * default TTL.
     *
     * @param ttl the longest a lease may live, counted from its creation
     * @return this builder
     */
    public Builder maxTtl(@Nullable Duration ttl) {
      this.maxTtl = ttl;
      return this;
    }

    /**
     * The most pending or active leases at once; null for no limit.
     *
     * @param limit the most pending or active leases at once; null for no limit
     * @return this builder
     */
    public Builder leaseLimit(@Nullable Integer limit) {
      this.leaseLimit = limit;
      return this;
    }

    /**
     * {@return the definition}
     *
     * @throws InvalidRequestException naming the first field that breaks a rule
     */
    public DynamicSecret build() {
      return new DynamicSecret(name, providerType, providerConfig, defaultTtl,
          maxTtl == null ? defaultTtl : maxTtl,
          leaseLimit == null ? OptionalInt.empty() : OptionalInt.of(leaseLimit));
    }
  }
}
