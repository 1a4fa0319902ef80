package dev.dynsecret.spring.boot.internal;

import dev.dynsecret.DynamicSecret;
import dev.dynsecret.InvalidRequestException;
import dev.dynsecret.LeaseListener;
import dev.dynsecret.LeaseManager;
import dev.dynsecret.ProviderConfig;
import dev.dynsecret.RetryPolicy;
import dev.dynsecret.micrometer.DynsecretMetrics;
import dev.dynsecret.spi.DynamicSecretProvider;
import dev.dynsecret.spi.LeaseStore;
import dev.dynsecret.spring.boot.DynsecretProperties;
import dev.dynsecret.spring.boot.InvalidDynsecretPropertyException;
import dev.dynsecret.spring.boot.LeaseManagerCustomizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * Builds the {@link LeaseManager} bean from {@code dynsecret.*} properties. The rules live in the
 * core (the builder, {@link DynamicSecret}, {@link RetryPolicy}, the providers); this class only
 * translates the field each rule names into the property the user wrote.
 */
public final class LeaseManagerFactory {
  private LeaseManagerFactory() {}

  /**
   * The manager, with every configured secret registered and, when {@code metrics} is given, its
   * counters, provider timers and gauges.
   *
   * @throws InvalidDynsecretPropertyException naming the first property whose value is refused
   */
  public static LeaseManager build(DynsecretProperties properties, LeaseStore store,
      List<DynamicSecretProvider> providerBeans, List<LeaseListener> listeners,
      List<LeaseManagerCustomizer> customizers, @Nullable DynsecretMetrics metrics,
      ClassLoader classLoader) {
    RetryPolicy retry = engineSetting(() -> new RetryPolicy(
        properties.getRetry().getMaxAttempts(), properties.getRetry().getInitialDelay(),
        properties.getRetry().getMaxDelay(), properties.getRetry().getMultiplier(),
        properties.getRetry().getJitter()));
    List<DynamicSecret> definitions = definitions(properties);

    UnaryOperator<DynamicSecretProvider> decorate =
        metrics == null ? UnaryOperator.identity() : metrics::timed;
    LeaseManager.Builder builder = LeaseManager.builder()
        .store(store)
        .discoverProviders(false)
        .retryPolicy(retry)
        .nodeId(properties.getNodeId())
        .pollInterval(properties.getPollInterval())
        .maxInFlight(properties.getMaxInFlight())
        .claimBatchSize(properties.getClaimBatchSize())
        .claimTimeout(properties.getClaimTimeout())
        .pendingGracePeriod(properties.getPendingGracePeriod())
        .historyRetention(properties.getHistoryRetention())
        .orphanSweepInterval(properties.getOrphanSweepInterval())
        .closeTimeout(properties.getCloseTimeout());
    ProviderCollector.collect(providerBeans, properties.isDiscoverProviders(), classLoader, decorate)
        .forEach(builder::provider);
    List<LeaseListener> all = new ArrayList<>();
    if (metrics != null) {
      all.add(metrics.listener());
    }
    all.addAll(listeners);
    all.forEach(builder::listener);
    customizers.forEach(customizer -> customizer.customize(builder));

    LeaseManager manager = engineSetting(builder::build);
    try {
      for (DynamicSecret definition : definitions) {
        try {
          manager.register(definition);
        } catch (InvalidRequestException e) {
          throw invalid(PropertyNames.secret(definition.name(), e.field()), e);
        }
      }
      if (metrics != null) {
        metrics.bind(manager);
      }
      return manager;
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  private static List<DynamicSecret> definitions(DynsecretProperties properties) {
    List<DynamicSecret> definitions = new ArrayList<>();
    for (Map.Entry<String, DynsecretProperties.Secret> entry : properties.getSecrets().entrySet()) {
      String name = entry.getKey();
      DynsecretProperties.Secret secret = entry.getValue();
      try {
        definitions.add(DynamicSecret.builder(name)
            .provider(secret.getProvider(), ProviderConfig.of(secret.getConfig()))
            .defaultTtl(secret.getDefaultTtl())
            .maxTtl(secret.getMaxTtl())
            .leaseLimit(secret.getLeaseLimit())
            .build());
      } catch (InvalidRequestException e) {
        throw invalid(PropertyNames.secret(name, e.field()), e);
      }
    }
    return definitions;
  }

  private static <T> T engineSetting(java.util.function.Supplier<T> build) {
    try {
      return build.get();
    } catch (InvalidRequestException e) {
      if (e.field().equals("store") || e.field().startsWith("provider")) {
        throw e; // not a property: a bean or the class path is wrong, and the message says how
      }
      throw invalid(PropertyNames.engine(e.field()), e);
    }
  }

  private static InvalidDynsecretPropertyException invalid(String property,
      InvalidRequestException e) {
    String prefix = e.field() + ": ";
    String message = e.getMessage();
    String rule = message != null && message.startsWith(prefix)
        ? message.substring(prefix.length()) : String.valueOf(message);
    return new InvalidDynsecretPropertyException(property, rule, e);
  }
}
