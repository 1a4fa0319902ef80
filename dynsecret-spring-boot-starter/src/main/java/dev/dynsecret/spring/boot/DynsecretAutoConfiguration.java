package dev.dynsecret.spring.boot;

import dev.dynsecret.LeaseListener;
import dev.dynsecret.LeaseManager;
import dev.dynsecret.micrometer.DynsecretMetrics;
import dev.dynsecret.spi.DynamicSecretProvider;
import dev.dynsecret.spi.LeaseStore;
import dev.dynsecret.spring.boot.internal.DynsecretLifecycle;
import dev.dynsecret.spring.boot.internal.LeaseManagerFactory;
import dev.dynsecret.spring.boot.internal.LeaseStores;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.io.ResourceLoader;

/**
 * A {@link LeaseManager} from {@code dynsecret.*} properties, on a {@link LeaseStore} ({@code
 * dynsecret.store.type}: memory, or jdbc on the application's {@link DataSource}), with every
 * {@link DynamicSecretProvider} bean and the providers {@link java.util.ServiceLoader} finds, every
 * {@link LeaseListener} bean, and metrics when Micrometer is configured. Its background work starts
 * with the context and stops when the context closes. Every bean can be replaced by one of the
 * application's own.
 */
@AutoConfiguration(afterName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
@ConditionalOnBooleanProperty(name = "dynsecret.enabled", matchIfMissing = true)
@EnableConfigurationProperties(DynsecretProperties.class)
public class DynsecretAutoConfiguration {
  /** Created by Spring Boot's auto-configuration. */
  public DynsecretAutoConfiguration() {}


  /**
   * {@return the store {@code dynsecret.store.type} names}
   *
   * @param properties the {@code dynsecret.*} properties
   * @param dataSource the application's data source, if any
   * @param resourceLoader the application's resource loader, for its class loader
   */
  @Bean
  @ConditionalOnMissingBean
  public LeaseStore dynsecretLeaseStore(DynsecretProperties properties,
      ObjectProvider<DataSource> dataSource, ResourceLoader resourceLoader) {
    return LeaseStores.create(properties.getStore(), dataSource.getIfAvailable(),
        resourceLoader.getClassLoader());
  }

  /**
   * {@return the manager, with every configured secret registered}
   *
   * @param properties the {@code dynsecret.*} properties
   * @param store the lease store
   * @param providers the provider beans
   * @param listeners the listener beans
   * @param customizers the customizer beans, applied in order
   * @param metrics the metrics, when Micrometer is present
   * @param resourceLoader the application's resource loader, for its class loader
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public LeaseManager dynsecretLeaseManager(DynsecretProperties properties, LeaseStore store,
      ObjectProvider<DynamicSecretProvider> providers, ObjectProvider<LeaseListener> listeners,
      ObjectProvider<LeaseManagerCustomizer> customizers, ObjectProvider<DynsecretMetrics> metrics,
      ResourceLoader resourceLoader) {
    return LeaseManagerFactory.build(properties, store, providers.orderedStream().toList(),
        listeners.orderedStream().toList(), customizers.orderedStream().toList(),
        metrics.getIfAvailable(), resourceLoader.getClassLoader());
  }

  /**
   * Starts the manager with the context, and closes it (revoking leases if so set) on shutdown.
   *
   * @param manager the lease manager
   * @param store the lease store
   * @param properties the {@code dynsecret.*} properties
   * @return the lifecycle bean
   */
  @Bean
  @ConditionalOnMissingBean
  public DynsecretLifecycle dynsecretLifecycle(LeaseManager manager, LeaseStore store,
      DynsecretProperties properties) {
    Boolean revoke = properties.getRevokeOnShutdown();
    return new DynsecretLifecycle(manager, revoke != null ? revoke : LeaseStores.isVolatile(store));
  }
}
