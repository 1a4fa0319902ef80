package dev.dynsecret.spring.boot;

import dev.dynsecret.micrometer.DynsecretMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * {@link DynsecretMetrics} on the application's {@link MeterRegistry}, when it has one: the
 * manager is then built with its counters and provider timers, and its gauges are bound.
 */
@AutoConfiguration(before = DynsecretAutoConfiguration.class, afterName = {
    "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
    "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration"})
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean(MeterRegistry.class)
@ConditionalOnBooleanProperty(name = "dynsecret.enabled", matchIfMissing = true)
public class DynsecretMetricsAutoConfiguration {
  /** Created by Spring Boot's auto-configuration. */
  public DynsecretMetricsAutoConfiguration() {}


  /**
   * {@return the meters; see dynsecret-micrometer's README for their names}
   *
   * @param registry the application's meter registry
   */
  @Bean
  @ConditionalOnMissingBean
  public DynsecretMetrics dynsecretMetrics(MeterRegistry registry) {
    return DynsecretMetrics.of(registry);
  }
}
