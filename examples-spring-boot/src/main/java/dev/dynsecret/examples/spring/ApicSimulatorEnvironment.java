package dev.dynsecret.examples.spring;

import dev.dynsecret.ProviderConfig;
import dev.dynsecret.apic.simulator.ApicSimulator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * When no APIC URL is configured ({@code DYNSECRET_APIC_URL}, or the secret's {@code config.url}),
 * starts the in-process APIC simulator and points the {@code orders-api} secret's provider
 * configuration at it. The simulator becomes the bean {@code apicSimulator}, closed with the
 * context after dynsecret has revoked its leases.
 */
public class ApicSimulatorEnvironment implements EnvironmentPostProcessor, Ordered {
  static final String CONFIG = "dynsecret.secrets." + LeaseController.SECRET + ".config.";

  @Override
  public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
    String url = environment.getProperty(CONFIG + "url");
    if (url != null && !url.isBlank()) {
      return; // a real APIC
    }
    ApicSimulator simulator = ApicSimulator.builder().start();
    ProviderConfig config = simulator.providerConfig().build();
    Map<String, Object> values = new LinkedHashMap<>();
    for (String key : config.keys()) {
      values.put(CONFIG + key, config.get(key).orElseThrow());
    }
    values.put(CONFIG + "apiKey", simulator.apiKey().reveal()); // as is, not stripped
    values.put(CONFIG + "clientSecret", simulator.clientSecret().reveal());
    environment.getPropertySources().addFirst(new MapPropertySource("apicSimulator", values));
    application.addInitializers(context ->
        ((GenericApplicationContext) context).registerBean("apicSimulator", ApicSimulator.class,
            () -> simulator));
  }

  /** After application.properties and the environment are read, so a configured URL is seen. */
  @Override
  public int getOrder() {
    return Ordered.LOWEST_PRECEDENCE;
  }
}
