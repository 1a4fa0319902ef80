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
  /** Every property at its default; Spring Boot binds {@code dynsecret.*} onto it. */
  public DynsecretProperties() {}

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
    /** A secret with nothing set yet. */
    public Secret() {}

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

    /** {@return the provider type that makes the credentials, e.g. ibm-api-connect} */
    public @Nullable String getProvider() {
      return provider;
    }

    /**
     * Sets {@code provider}: the provider type that makes the credentials, e.g. ibm-api-connect.
     *
     * @param provider the new value
     */
    public void setProvider(@Nullable String provider) {
      this.provider = provider;
    }

    /**
     * {@return the provider's configuration, passed to it as given (keys are case-sensitive, e.g.
     * url, apiKey, clientId, clientSecret, org, catalog, app for ibm-api-connect)}
     */
    public Map<String, String> getConfig() {
      return config;
    }

    /**
     * Sets {@code config}: the provider's configuration, passed to it as given (keys are
     * case-sensitive, e.g. url, apiKey, clientId, clientSecret, org, catalog, app for
     * ibm-api-connect).
     *
     * @param config the new value
     */
    public void setConfig(Map<String, String> config) {
      this.config = config;
    }

    /** {@return the TTL of a lease created or renewed without one} */
    public @Nullable Duration getDefaultTtl() {
      return defaultTtl;
    }

    /**
     * Sets {@code defaultTtl}: the TTL of a lease created or renewed without one.
     *
     * @param defaultTtl the new value
     */
    public void setDefaultTtl(@Nullable Duration defaultTtl) {
      this.defaultTtl = defaultTtl;
    }

    /** {@return no lease lives longer than this from its creation} */
    public @Nullable Duration getMaxTtl() {
      return maxTtl;
    }

    /**
     * Sets {@code maxTtl}: no lease lives longer than this from its creation.
     *
     * @param maxTtl the new value
     */
    public void setMaxTtl(@Nullable Duration maxTtl) {
      this.maxTtl = maxTtl;
    }

    /** {@return the most pending or active leases at once} */
    public @Nullable Integer getLeaseLimit() {
      return leaseLimit;
    }

    /**
     * Sets {@code leaseLimit}: the most pending or active leases at once.
     *
     * @param leaseLimit the new value
     */
    public void setLeaseLimit(@Nullable Integer leaseLimit) {
      this.leaseLimit = leaseLimit;
    }
  }

  /** How failed revocations are retried: exponential backoff with jitter. */
  public static class Retry {
    /** The default retry policy. */
    public Retry() {}

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

    /** {@return attempts in all, the first included, before a lease becomes REVOCATION_FAILED} */
    public int getMaxAttempts() {
      return maxAttempts;
    }

    /**
     * Sets {@code maxAttempts}: attempts in all, the first included, before a lease becomes
     * REVOCATION_FAILED.
     *
     * @param maxAttempts the new value
     */
    public void setMaxAttempts(int maxAttempts) {
      this.maxAttempts = maxAttempts;
    }

    /** {@return the wait after the first failure} */
    public Duration getInitialDelay() {
      return initialDelay;
    }

    /**
     * Sets {@code initialDelay}: the wait after the first failure.
     *
     * @param initialDelay the new value
     */
    public void setInitialDelay(Duration initialDelay) {
      this.initialDelay = initialDelay;
    }

    /** {@return no wait is longer than this} */
    public Duration getMaxDelay() {
      return maxDelay;
    }

    /**
     * Sets {@code maxDelay}: no wait is longer than this.
     *
     * @param maxDelay the new value
     */
    public void setMaxDelay(Duration maxDelay) {
      this.maxDelay = maxDelay;
    }

    /** {@return each wait is this many times the previous one} */
    public double getMultiplier() {
      return multiplier;
    }

    /**
     * Sets {@code multiplier}: each wait is this many times the previous one.
     *
     * @param multiplier the new value
     */
    public void setMultiplier(double multiplier) {
      this.multiplier = multiplier;
    }

    /** {@return the random fraction of each wait, 0 to 1} */
    public double getJitter() {
      return jitter;
    }

    /**
     * Sets {@code jitter}: the random fraction of each wait, 0 to 1.
     *
     * @param jitter the new value
     */
    public void setJitter(double jitter) {
      this.jitter = jitter;
    }
  }

  /** Where leases are kept. */
  public static class Store {
    /** The default store: memory. */
    public Store() {}

    /**
     * memory (the default: leases live as long as the process) or jdbc (the JdbcLeaseStore on the
     * application's DataSource; needs dynsecret-jdbc-store and a DataSource).
     */
    private StoreType type = StoreType.MEMORY;

    /** With the jdbc store: create the tables when missing, or upgrade an older schema. */
    private boolean createSchema;

    /** With the jdbc store: the prefix of every table name ([a-z][a-z0-9_]{0,30}). */
    private String tablePrefix = "dynsecret_";

    /**
     * {@return memory (the default: leases live as long as the process) or jdbc (the JdbcLeaseStore
     * on the application's DataSource; needs dynsecret-jdbc-store and a DataSource)}
     */
    public StoreType getType() {
      return type;
    }

    /**
     * Sets {@code type}: memory (the default: leases live as long as the process) or jdbc (the
     * JdbcLeaseStore on the application's DataSource; needs dynsecret-jdbc-store and a DataSource).
     *
     * @param type the new value
     */
    public void setType(StoreType type) {
      this.type = type;
    }

    /** {@return with the jdbc store: create the tables when missing, or upgrade an older schema} */
    public boolean isCreateSchema() {
      return createSchema;
    }

    /**
     * Sets {@code createSchema}: with the jdbc store: create the tables when missing, or upgrade an
     * older schema.
     *
     * @param createSchema the new value
     */
    public void setCreateSchema(boolean createSchema) {
      this.createSchema = createSchema;
    }

    /** {@return with the jdbc store: the prefix of every table name ([a-z][a-z0-9_]{0,30})} */
    public String getTablePrefix() {
      return tablePrefix;
    }

    /**
     * Sets {@code tablePrefix}: with the jdbc store: the prefix of every table name
     * ([a-z][a-z0-9_]{0,30}).
     *
     * @param tablePrefix the new value
     */
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
    /** The default endpoint settings. */
    public Actuator() {}

    /**
     * Whether the endpoint offers renew (POST) and revoke (DELETE) of a lease as well as reading.
     */
    private boolean writeEnabled;

    /**
     * {@return whether the endpoint offers renew (POST) and revoke (DELETE) of a lease as well as
     * reading}
     */
    public boolean isWriteEnabled() {
      return writeEnabled;
    }

    /**
     * Sets {@code writeEnabled}: whether the endpoint offers renew (POST) and revoke (DELETE) of a
     * lease as well as reading.
     *
     * @param writeEnabled the new value
     */
    public void setWriteEnabled(boolean writeEnabled) {
      this.writeEnabled = writeEnabled;
    }
  }

  /** The dynsecret health indicator. */
  public static class Health {
    /** The default health settings. */
    public Health() {}

    /**
     * The status reported while some lease is REVOCATION_FAILED (its credential may still work
     * and needs an operator), e.g. OUT_OF_SERVICE, DOWN, or UP to only show the counts.
     */
    private String revocationFailedStatus = "OUT_OF_SERVICE";

    /**
     * {@return the status reported while some lease is REVOCATION_FAILED (its credential may still
     * work and needs an operator), e.g. OUT_OF_SERVICE, DOWN, or UP to only show the counts}
     */
    public String getRevocationFailedStatus() {
      return revocationFailedStatus;
    }

    /**
     * Sets {@code revocationFailedStatus}: the status reported while some lease is
     * REVOCATION_FAILED (its credential may still work and needs an operator), e.g. OUT_OF_SERVICE,
     * DOWN, or UP to only show the counts.
     *
     * @param revocationFailedStatus the new value
     */
    public void setRevocationFailedStatus(String revocationFailedStatus) {
      this.revocationFailedStatus = revocationFailedStatus;
    }
  }

  /** {@return whether to configure dynsecret at all} */
  public boolean isEnabled() {
    return enabled;
  }

  /**
   * Sets {@code enabled}: whether to configure dynsecret at all.
   *
   * @param enabled the new value
   */
  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  /**
   * {@return the name this instance claims due work under; must differ between instances sharing a
   * store}
   */
  public @Nullable String getNodeId() {
    return nodeId;
  }

  /**
   * Sets {@code nodeId}: the name this instance claims due work under; must differ between
   * instances sharing a store.
   *
   * @param nodeId the new value
   */
  public void setNodeId(@Nullable String nodeId) {
    this.nodeId = nodeId;
  }

  /** {@return how often background work looks for due leases} */
  public Duration getPollInterval() {
    return pollInterval;
  }

  /**
   * Sets {@code pollInterval}: how often background work looks for due leases.
   *
   * @param pollInterval the new value
   */
  public void setPollInterval(Duration pollInterval) {
    this.pollInterval = pollInterval;
  }

  /** {@return the most provider calls due work keeps in flight (1 to 1024)} */
  public int getMaxInFlight() {
    return maxInFlight;
  }

  /**
   * Sets {@code maxInFlight}: the most provider calls due work keeps in flight (1 to 1024).
   *
   * @param maxInFlight the new value
   */
  public void setMaxInFlight(int maxInFlight) {
    this.maxInFlight = maxInFlight;
  }

  /** {@return the most due leases claimed per store round trip (1 to 10000)} */
  public int getClaimBatchSize() {
    return claimBatchSize;
  }

  /**
   * Sets {@code claimBatchSize}: the most due leases claimed per store round trip (1 to 10000).
   *
   * @param claimBatchSize the new value
   */
  public void setClaimBatchSize(int claimBatchSize) {
    this.claimBatchSize = claimBatchSize;
  }

  /**
   * {@return how long a claim on a due lease lasts before another instance may take it over; must
   * exceed the longest provider call}
   */
  public Duration getClaimTimeout() {
    return claimTimeout;
  }

  /**
   * Sets {@code claimTimeout}: how long a claim on a due lease lasts before another instance may
   * take it over; must exceed the longest provider call.
   *
   * @param claimTimeout the new value
   */
  public void setClaimTimeout(Duration claimTimeout) {
    this.claimTimeout = claimTimeout;
  }

  /**
   * {@return how long a lease may stay pending before reconciliation treats its creator as dead;
   * must exceed the longest provider create}
   */
  public Duration getPendingGracePeriod() {
    return pendingGracePeriod;
  }

  /**
   * Sets {@code pendingGracePeriod}: how long a lease may stay pending before reconciliation treats
   * its creator as dead; must exceed the longest provider create.
   *
   * @param pendingGracePeriod the new value
   */
  public void setPendingGracePeriod(Duration pendingGracePeriod) {
    this.pendingGracePeriod = pendingGracePeriod;
  }

  /** {@return how long revoked leases stay readable as history before they are purged} */
  public Duration getHistoryRetention() {
    return historyRetention;
  }

  /**
   * Sets {@code historyRetention}: how long revoked leases stay readable as history before they are
   * purged.
   *
   * @param historyRetention the new value
   */
  public void setHistoryRetention(Duration historyRetention) {
    this.historyRetention = historyRetention;
  }

  /**
   * {@return how often background work sweeps orphaned credentials of every secret; unset for
   * never}
   */
  public @Nullable Duration getOrphanSweepInterval() {
    return orphanSweepInterval;
  }

  /**
   * Sets {@code orphanSweepInterval}: how often background work sweeps orphaned credentials of
   * every secret; unset for never.
   *
   * @param orphanSweepInterval the new value
   */
  public void setOrphanSweepInterval(@Nullable Duration orphanSweepInterval) {
    this.orphanSweepInterval = orphanSweepInterval;
  }

  /** {@return how long shutdown waits for due work in progress before interrupting it} */
  public Duration getCloseTimeout() {
    return closeTimeout;
  }

  /**
   * Sets {@code closeTimeout}: how long shutdown waits for due work in progress before interrupting
   * it.
   *
   * @param closeTimeout the new value
   */
  public void setCloseTimeout(Duration closeTimeout) {
    this.closeTimeout = closeTimeout;
  }

  /**
   * {@return whether to look providers up with ServiceLoader as well as taking
   * DynamicSecretProvider beans (a bean wins over a discovered provider of the same type)}
   */
  public boolean isDiscoverProviders() {
    return discoverProviders;
  }

  /**
   * Sets {@code discoverProviders}: whether to look providers up with ServiceLoader as well as
   * taking DynamicSecretProvider beans (a bean wins over a discovered provider of the same type).
   *
   * @param discoverProviders the new value
   */
  public void setDiscoverProviders(boolean discoverProviders) {
    this.discoverProviders = discoverProviders;
  }

  /** {@return whether to revoke every lease of every secret when the application shuts down} */
  public @Nullable Boolean getRevokeOnShutdown() {
    return revokeOnShutdown;
  }

  /**
   * Sets {@code revokeOnShutdown}: whether to revoke every lease of every secret when the
   * application shuts down.
   *
   * @param revokeOnShutdown the new value
   */
  public void setRevokeOnShutdown(@Nullable Boolean revokeOnShutdown) {
    this.revokeOnShutdown = revokeOnShutdown;
  }

  /** {@return the dynamic secrets to register, by name} */
  public Map<String, Secret> getSecrets() {
    return secrets;
  }

  /**
   * Sets {@code secrets}: the dynamic secrets to register, by name.
   *
   * @param secrets the new value
   */
  public void setSecrets(Map<String, Secret> secrets) {
    this.secrets = secrets;
  }

  /** {@return the {@code retry} settings} */
  public Retry getRetry() {
    return retry;
  }

  /** {@return the {@code store} settings} */
  public Store getStore() {
    return store;
  }

  /** {@return the {@code actuator} settings} */
  public Actuator getActuator() {
    return actuator;
  }

  /** {@return the {@code health} settings} */
  public Health getHealth() {
    return health;
  }
}
