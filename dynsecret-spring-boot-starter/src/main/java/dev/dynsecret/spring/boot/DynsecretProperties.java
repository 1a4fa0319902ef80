package dev.dynsecret.spring.boot;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code dynsecret.*} properties: the dynamic secrets to register, the engine's settings, the
 * lease store, and what the actuator may do. Defaults are {@link dev.dynsecret.LeaseManager}'s.
 *
 * <pre>
 * dynsecret.secrets.orders-api.provider=ibm-api-connect
 * dynsecret.secrets.orders-api.config.url=https://platform-api.example.com
 * dynsecret.secrets.orders-api.config.apiKey=${APIC_API_KEY}
 * dynsecret.secrets.orders-api.default-ttl=1h
 * dynsecret.secrets.orders-api.max-ttl=8h
 * dynsecret.store.type=jdbc
 * </pre>
 */
@ConfigurationProperties(prefix = "dynsecret")
public class DynsecretProperties {
  /** Whether to configure dynsecret at all. */
  private boolean enabled = true;

  /**
   * The name this instance claims due work under; must differ between instances sharing a
   * store. Default: host name, process id and a random suffix.
   */
  private @Nullable String nodeId;

  /** How often background work looks for due leases. */
  private Duration pollInterval = Duration.ofSeconds(5);

  /**
   * The most provider calls background work keeps in flight (1 to 1024); the window adapts below
   * it to the provider's latency and throttling.
   */
  private int maxInFlight = 64;

  /** The most due leases claimed per store round trip (1 to 10000). */
  private int claimBatchSize = 100;

  /**
   * How long a claim on a due lease lasts before another instance may take it over; must exceed
   * the longest provider call.
   */
  private Duration claimTimeout = Duration.ofMinutes(2);

  /**
   * How long a lease may stay pending before reconciliation treats its creator as dead; must
   * exceed the longest provider create.
   */
  private Duration pendingGracePeriod = Duration.ofMinutes(5);

  /** How long revoked leases stay readable as history before they are purged. */
  private Duration historyRetention = Duration.ofDays(7);

  /**
   * How often background work sweeps orphaned credentials of every secret; unset for never. Only
   * where this store is the only one managing the providers' targets.
   */
  private @Nullable Duration orphanSweepInterval;

  /** How long shutdown waits for due work in progress before interrupting it. */
  private Duration closeTimeout = Duration.ofSeconds(30);

  /**
   * Whether to look providers up with ServiceLoader as well as taking DynamicSecretProvider beans
   * (a bean wins over a discovered provider of the same type).
   */
  private boolean discoverProviders = true;

  /**
   * Whether to revoke every lease of every secret when the application shuts down. Unset: yes
   * with the memory store (nothing would track the credentials after the process ends), no with
   * any other store (leases outlive the process and other instances may be using them).
   */
  private @Nullable Boolean revokeOnShutdown;

  /** The dynamic secrets to register, by name. */
  private Map<String, Secret> secrets = new LinkedHashMap<>();

  private final Retry retry = new Retry();
  private final Store store = new Store();
  private final Actuator actuator = new Actuator();
  private final Health health = new Health();

  /** One dynamic secret. */
  public static class Secret {
    /** The provider type that makes the credentials, e.g. ibm-api-connect. */
    private @Nullable String provider;

    /**
     * The provider's configuration, passed to it as given (keys are case-sensitive, e.g. url,
     * apiKey, clientId, clientSecret, org, catalog, app for ibm-api-connect). Values are masked in
     * the actuator's env and configprops endpoints.
     */
    private Map<String, String> config = new LinkedHashMap<>();

    /** The TTL of a lease created or renewed without one. */
    private @Nullable Duration defaultTtl;

    /** No lease lives longer than this from its creation. Default: the default TTL. */
    private @Nullable Duration maxTtl;

    /** The most pending or active leases at once. Default: no limit. */
    private @Nullable Integer leaseLimit;

    public @Nullable String getProvider() {
      return provider;
    }

    public void setProvider(@Nullable String provider) {
      this.provider = provider;
    }

    public Map<String, String> getConfig() {
      return config;
    }

    public void setConfig(Map<String, String> config) {
      this.config = config;
    }

    public @Nullable Duration getDefaultTtl() {
      return defaultTtl;
    }

    public void setDefaultTtl(@Nullable Duration defaultTtl) {
      this.defaultTtl = defaultTtl;
    }

    public @Nullable Duration getMaxTtl() {
      return maxTtl;
    }

    public void setMaxTtl(@Nullable Duration maxTtl) {
      this.maxTtl = maxTtl;
    }

    public @Nullable Integer getLeaseLimit() {
      return leaseLimit;
    }

    public void setLeaseLimit(@Nullable Integer leaseLimit) {
      this.leaseLimit = leaseLimit;
    }
  }

  /** How failed revocations are retried: exponential backoff with jitter. */
  public static class Retry {
    /** Attempts in all, the first included, before a lease becomes REVOCATION_FAILED. */
    private int maxAttempts = 10;

    /** The wait after the first failure. */
    private Duration initialDelay = Duration.ofSeconds(1);

    /** No wait is longer than this. */
    private Duration maxDelay = Duration.ofMinutes(10);

    /** Each wait is this many times the previous one. */
    private double multiplier = 2.0;

    /** The random fraction of each wait, 0 to 1. */
    private double jitter = 0.2;

    public int getMaxAttempts() {
      return maxAttempts;
    }

    public void setMaxAttempts(int maxAttempts) {
      this.maxAttempts = maxAttempts;
    }

    public Duration getInitialDelay() {
      return initialDelay;
    }

    public void setInitialDelay(Duration initialDelay) {
      this.initialDelay = initialDelay;
    }

    public Duration getMaxDelay() {
      return maxDelay;
    }

    public void setMaxDelay(Duration maxDelay) {
      this.maxDelay = maxDelay;
    }

    public double getMultiplier() {
      return multiplier;
    }

    public void setMultiplier(double multiplier) {
      this.multiplier = multiplier;
    }

    public double getJitter() {
      return jitter;
    }

    public void setJitter(double jitter) {
      this.jitter = jitter;
    }
  }

  /** Where leases are kept. */
  public static class Store {
    /**
     * memory (the default: leases live as long as the process) or jdbc (the JdbcLeaseStore on the
     * application's DataSource; needs dynsecret-jdbc-store and a DataSource).
     */
    private StoreType type = StoreType.MEMORY;

    /** With the jdbc store: create the tables when missing, or upgrade an older schema. */
    private boolean createSchema;

    /** With the jdbc store: the prefix of every table name ([a-z][a-z0-9_]{0,30}). */
    private String tablePrefix = "dynsecret_";

    public StoreType getType() {
      return type;
    }

    public void setType(StoreType type) {
      this.type = type;
    }

    public boolean isCreateSchema() {
      return createSchema;
    }

    public void setCreateSchema(boolean createSchema) {
      this.createSchema = createSchema;
    }

    public String getTablePrefix() {
      return tablePrefix;
    }

    public void setTablePrefix(String tablePrefix) {
      this.tablePrefix = tablePrefix;
    }
  }

  /** The kinds of lease store the starter can build. */
  public enum StoreType {
    /** In the process's memory. */
    MEMORY,
    /** In the application's DataSource (H2 or PostgreSQL). */
    JDBC
  }

  /** What the dynsecret actuator endpoint may do. */
  public static class Actuator {
    /**
     * Whether the endpoint offers renew (POST) and revoke (DELETE) of a lease as well as reading.
     */
    private boolean writeEnabled;

    public boolean isWriteEnabled() {
      return writeEnabled;
    }

    public void setWriteEnabled(boolean writeEnabled) {
      this.writeEnabled = writeEnabled;
    }
  }

  /** The dynsecret health indicator. */
  public static class Health {
    /**
     * The status reported while some lease is REVOCATION_FAILED (its credential may still work
     * and needs an operator), e.g. OUT_OF_SERVICE, DOWN, or UP to only show the counts.
     */
    private String revocationFailedStatus = "OUT_OF_SERVICE";

    public String getRevocationFailedStatus() {
      return revocationFailedStatus;
    }

    public void setRevocationFailedStatus(String revocationFailedStatus) {
      this.revocationFailedStatus = revocationFailedStatus;
    }
  }

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public @Nullable String getNodeId() {
    return nodeId;
  }

  public void setNodeId(@Nullable String nodeId) {
    this.nodeId = nodeId;
  }

  public Duration getPollInterval() {
    return pollInterval;
  }

  public void setPollInterval(Duration pollInterval) {
    this.pollInterval = pollInterval;
  }

  public int getMaxInFlight() {
    return maxInFlight;
  }

  public void setMaxInFlight(int maxInFlight) {
    this.maxInFlight = maxInFlight;
  }

  public int getClaimBatchSize() {
    return claimBatchSize;
  }

  public void setClaimBatchSize(int claimBatchSize) {
    this.claimBatchSize = claimBatchSize;
  }

  public Duration getClaimTimeout() {
    return claimTimeout;
  }

  public void setClaimTimeout(Duration claimTimeout) {
    this.claimTimeout = claimTimeout;
  }

  public Duration getPendingGracePeriod() {
    return pendingGracePeriod;
  }

  public void setPendingGracePeriod(Duration pendingGracePeriod) {
    this.pendingGracePeriod = pendingGracePeriod;
  }

  public Duration getHistoryRetention() {
    return historyRetention;
  }

  public void setHistoryRetention(Duration historyRetention) {
    this.historyRetention = historyRetention;
  }

  public @Nullable Duration getOrphanSweepInterval() {
    return orphanSweepInterval;
  }

  public void setOrphanSweepInterval(@Nullable Duration orphanSweepInterval) {
    this.orphanSweepInterval = orphanSweepInterval;
  }

  public Duration getCloseTimeout() {
    return closeTimeout;
  }

  public void setCloseTimeout(Duration closeTimeout) {
    this.closeTimeout = closeTimeout;
  }

  public boolean isDiscoverProviders() {
    return discoverProviders;
  }

  public void setDiscoverProviders(boolean discoverProviders) {
    this.discoverProviders = discoverProviders;
  }

  public @Nullable Boolean getRevokeOnShutdown() {
    return revokeOnShutdown;
  }

  public void setRevokeOnShutdown(@Nullable Boolean revokeOnShutdown) {
    this.revokeOnShutdown = revokeOnShutdown;
  }

  public Map<String, Secret> getSecrets() {
    return secrets;
  }

  public void setSecrets(Map<String, Secret> secrets) {
    this.secrets = secrets;
  }

  public Retry getRetry() {
    return retry;
  }

  public Store getStore() {
    return store;
  }

  public Actuator getActuator() {
    return actuator;
  }

  public Health getHealth() {
    return health;
  }
}
