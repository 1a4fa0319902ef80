package dev.dynsecret.apic;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dynsecret.spi.DynamicSecretProvider;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class ServiceLoaderTest {
  @Test
  void serviceLoaderFindsTheProviderByType() {
    @SuppressWarnings("rawtypes")
    List<DynamicSecretProvider> found = ServiceLoader.load(DynamicSecretProvider.class).stream()
        .map(ServiceLoader.Provider::get)
        .filter(p -> p.type().equals("ibm-api-connect"))
        .toList();

    assertEquals(1, found.size());
    assertEquals(ApiConnectProvider.class, found.get(0).getClass());
  }
}
