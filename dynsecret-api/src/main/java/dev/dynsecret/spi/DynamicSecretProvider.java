package dev.dynsecret.spi;

import dev.dynsecret.InvalidRequestException;
import dev.dynsecret.ProviderConfig;

/**
 * A kind of dynamic secret: makes and deletes credentials in one kind of external system. This is
 * the interface to implement to support a new system.
 *
 * <p>A provider is a stateless factory, found by {@link #type()}: registered explicitly with
 * {@link dev.dynsecret.LeaseManager.Builder#provider}, or discovered through {@link
 * java.util.ServiceLoader} (it then needs a public no-argument constructor and, on the module
 * path, a {@code provides dev.dynsecret.spi.DynamicSecretProvider with …} clause). For each dynamic
 * secret the engine calls {@link #connect(ProviderConfig, ProviderContext)} once and makes every later call for that secret on the
 * returned {@link ProviderConnection}, which it closes when the secret is removed or replaced.
 *
 * <p><b>Evolution:</b> methods added to this interface after the first release come with a default
 * that keeps existing providers compiling and behaving as before.
 */
public interface DynamicSecretProvider {

  /**
   * The type name definitions use to pick this provider, e.g. {@code ibm-api-connect}.
   *
   * @return a non-blank name, the same on every call
   */
  String type();

  /**
   * Checks a configuration and builds the connection later calls go through. Must not call the
   * external system (that is {@link ProviderConnection#verify}'s job), so a definition can be
   * registered while the system is down.
   *
   * @param config the dynamic secret's provider configuration
   * @return the connection for one dynamic secret
   * @throws InvalidRequestException naming the first missing or malformed field
   */
  ProviderConnection connect(ProviderConfig config);

  /**
   * Like {@link #connect(ProviderConfig)}, with a context through which the connection reports
   * how the external system behaves (throttling, for one). The engine calls this method; the
   * default ignores the context, so a provider with nothing to report implements only the other.
   *
   * @param config the dynamic secret's provider configuration
   * @param context where the connection reports to the engine
   * @return the connection for one dynamic secret
   * @throws InvalidRequestException naming the first missing or malformed field
   */
  default ProviderConnection connect(ProviderConfig config, ProviderContext context) {
    return connect(config);
  }
}
