package dev.dynsecret.spring.boot.internal;

import dev.dynsecret.InvalidRequestException;
import dev.dynsecret.spi.DynamicSecretProvider;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The providers a manager is built with: every {@link DynamicSecretProvider} bean, then the ones
 * {@link ServiceLoader} finds for types no bean claims. The starter registers them all
 * explicitly (and turns the manager's own discovery off) so that each can be decorated, for
 * example timed for metrics.
 */
final class ProviderCollector {
  private ProviderCollector() {}

  static List<DynamicSecretProvider> collect(List<DynamicSecretProvider> beans, boolean discover,
      ClassLoader loader, UnaryOperator<DynamicSecretProvider> decorator) {
    List<DynamicSecretProvider> all = new ArrayList<>();
    Set<String> beanTypes = new HashSet<>();
    for (DynamicSecretProvider bean : beans) {
      beanTypes.add(bean.type());
      all.add(bean);
    }
    if (discover) {
      try {
        for (DynamicSecretProvider found : ServiceLoader.load(DynamicSecretProvider.class, loader)) {
          // A bean wins over a discovered provider of its type; two discovered providers of one
          // type reach the builder, which refuses them loudly, naming both.
          if (!beanTypes.contains(found.type())) {
            all.add(found);
          }
        }
      } catch (ServiceConfigurationError e) {
        throw new InvalidRequestException("providers",
            "a dynamic secret provider on the classpath could not be loaded: " + e.getMessage(), e);
      }
    }
    return all.stream().map(decorator).toList();
  }
}
