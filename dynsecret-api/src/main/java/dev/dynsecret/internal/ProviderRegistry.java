package dev.dynsecret.internal;

import dev.dynsecret.InvalidRequestException;
import dev.dynsecret.spi.DynamicSecretProvider;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the provider for a type. Explicitly registered providers win; {@link ServiceLoader} is the
 * fallback. Two providers claiming one type at the same level is an error naming both, raised when
 * the manager is built rather than at the first lease, so a bad classpath fails loudly and early.
 */
public final class ProviderRegistry {
  private static final Logger log = LoggerFactory.getLogger(ProviderRegistry.class);

  private record Entry(DynamicSecretProvider provider, String origin) {}

  private final Map<String, Entry> byType;

  private ProviderRegistry(Map<String, Entry> byType) {
    this.byType = byType;
  }

  /**
   * @param explicit providers the host registered by hand
   * @param discover whether to fall back to {@link ServiceLoader}
   */
  public static ProviderRegistry create(
      Collection<DynamicSecretProvider> explicit, boolean discover, ClassLoader loader) {
    Map<String, Entry> byType = new TreeMap<>();
    for (DynamicSecretProvider provider : explicit) {
      put(byType, provider, "registered explicitly");
    }
    if (discover) {
      Map<String, Entry> discovered = new TreeMap<>();
      try {
        for (DynamicSecretProvider provider : loadAll(loader)) {
          put(discovered, provider, "found by ServiceLoader");
        }
      } catch (ServiceConfigurationError e) {
        throw new InvalidRequestException("providers",
            "a dynamic secret provider on the classpath could not be loaded: " + e.getMessage(), e);
      }
      discovered.forEach(byType::putIfAbsent);
    }
    return new ProviderRegistry(byType);
  }

  private static List<DynamicSecretProvider> loadAll(ClassLoader loader) {
    // On the module path, ServiceLoader finds the providers that modules declare with `provides`
    // (this module `uses` the service); on the class path, META-INF/services entries.
    return ServiceLoader.load(DynamicSecretProvider.class, loader).stream()
        .map(ServiceLoader.Provider::get)
        .toList();
  }

  private static void put(Map<String, Entry> map, DynamicSecretProvider provider, String origin) {
    String type = provider.type();
    if (type == null || type.isBlank()) {
      throw new InvalidRequestException("provider type",
          "must not be blank; " + provider.getClass().getName() + " returned " + type);
    }
    Entry previous = map.putIfAbsent(type, new Entry(provider, origin));
    if (previous != null) {
      throw new InvalidRequestException("providers", "two providers claim the type '" + type + "': "
          + previous.provider().getClass().getName() + " and " + provider.getClass().getName()
          + " (both " + origin + "); register the one you want explicitly or remove the other");
    }
  }

  /**
   * The provider for {@code type}; logs which one was chosen and how it was found.
   *
   * @throws InvalidRequestException naming the known types when there is none
   */
  public DynamicSecretProvider get(String type) {
    Entry entry = byType.get(type);
    if (entry == null) {
      throw new InvalidRequestException("providerType",
          "no provider of type '" + type + "' is registered or on the classpath; known types: "
              + byType.keySet());
    }
    log.info("Using provider {} for type '{}' ({})",
        entry.provider().getClass().getName(), type, entry.origin());
    return entry.provider();
  }
}
