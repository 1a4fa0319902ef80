package dev.dynsecret.spring.boot;

import dev.dynsecret.LeaseManager;
import dev.dynsecret.spring.boot.actuate.DynsecretEndpoint;
import dev.dynsecret.spring.boot.actuate.DynsecretHealthIndicator;
import dev.dynsecret.spring.boot.actuate.DynsecretWriteEndpoint;
import java.util.regex.Pattern;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * What the actuator shows of dynsecret, when the application has the actuator: the {@code
 * dynsecret} endpoint, the {@code dynsecret} health indicator, and the masking of provider
 * configuration values in the {@code env} and {@code configprops} endpoints.
 */
@AutoConfiguration(after = DynsecretAutoConfiguration.class)
@ConditionalOnBooleanProperty(name = "dynsecret.enabled", matchIfMissing = true)
public class DynsecretActuatorAutoConfiguration {
  /** Created by Spring Boot's auto-configuration. */
  public DynsecretActuatorAutoConfiguration() {}


  /**
   * Property keys whose values are provider configuration: {@code
   * dynsecret.secrets.<name>.config.<key>}, however spelled (environment variables and
   * bracket notation too).
   */
  public static final Pattern PROVIDER_CONFIG_KEY =
      Pattern.compile("^dynsecret[._]secrets.+?[._\\]]config[._\\[].+$",
          Pattern.CASE_INSENSITIVE);

  /** The masking, needed whenever the actuator is present, whichever endpoints are exposed. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(SanitizingFunction.class)
  static class Sanitizing {
    /**
     * Masks every provider configuration value, even where the application shows values
     * ({@code management.endpoint.env.show-values=always}): some are credentials (API keys,
     * client secrets, passwords), and which ones depends on the provider.
     */
    @Bean
    @ConditionalOnMissingBean(name = "dynsecretSanitizingFunction")
    SanitizingFunction dynsecretSanitizingFunction() {
      return SanitizingFunction.sanitizeValue().ifKeyMatches(PROVIDER_CONFIG_KEY);
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(Endpoint.class)
  @ConditionalOnBean(LeaseManager.class)
  @ConditionalOnAvailableEndpoint(endpoint = DynsecretEndpoint.class)
  static class Endpoints {
    @Bean
    @ConditionalOnMissingBean(DynsecretEndpoint.class)
    @ConditionalOnBooleanProperty(name = "dynsecret.actuator.write-enabled", havingValue = false,
        matchIfMissing = true)
    DynsecretEndpoint dynsecretEndpoint(LeaseManager manager) {
      return new DynsecretEndpoint(manager);
    }

    @Bean
    @ConditionalOnMissingBean(DynsecretEndpoint.class)
    @ConditionalOnBooleanProperty(name = "dynsecret.actuator.write-enabled")
    DynsecretWriteEndpoint dynsecretWriteEndpoint(LeaseManager manager) {
      return new DynsecretWriteEndpoint(manager);
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass({HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class})
  @ConditionalOnBean(LeaseManager.class)
  @ConditionalOnEnabledHealthIndicator("dynsecret")
  static class Health {
    @Bean
    @ConditionalOnMissingBean(name = "dynsecretHealthIndicator")
    DynsecretHealthIndicator dynsecretHealthIndicator(LeaseManager manager,
        DynsecretProperties properties) {
      return new DynsecretHealthIndicator(manager,
          new Status(properties.getHealth().getRevocationFailedStatus().strip()
              .toUpperCase(java.util.Locale.ROOT)));
    }
  }
}
