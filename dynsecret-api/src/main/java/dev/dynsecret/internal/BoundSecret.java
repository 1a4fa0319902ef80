package dev.dynsecret.internal;

import dev.dynsecret.DynamicSecret;
import dev.dynsecret.spi.DynamicSecretProvider;
import dev.dynsecret.spi.ProviderConnection;
import dev.dynsecret.spi.ProviderContext;

/**
 * A registered dynamic secret with the connection its provider built for it.
 *
 * @param definition the secret as registered
 * @param connection where every provider call for the secret goes
 */
public record BoundSecret(DynamicSecret definition, ProviderConnection connection) {

  /** Validates the definition's configuration through the provider and binds the two. */
  public static BoundSecret bind(DynamicSecret definition, DynamicSecretProvider provider,
      ProviderContext context) {
    ProviderConnection connection = provider.connect(definition.providerConfig(), context);
    if (connection == null) {
      throw new IllegalStateException("provider " + provider.getClass().getName()
          + " returned no connection for dynamic secret '" + definition.name() + "'");
    }
    return new BoundSecret(definition, connection);
  }

  public String name() {
    return definition.name();
  }
}
