package dev.dynsecret.apic;

import dev.dynsecret.InvalidRequestException;
import dev.dynsecret.NotFoundException;
import dev.dynsecret.ProviderConfig;
import dev.dynsecret.ProviderException;
import dev.dynsecret.apic.internal.ApicOptions;
import dev.dynsecret.apic.internal.Discovery;
import dev.dynsecret.apic.internal.SettingsParser;
import dev.dynsecret.apic.internal.Sleeper;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Read-only look-ups for writing a dynamic secret's configuration, as a dashboard's pickers do:
 * the provider organizations an API key can see, the catalogs of one, and the applications of a
 * catalog with their consumer organizations. It uses the provider's token handling and HTTP
 * client (one token for the session, retries of transient failures, messages without secrets).
 *
 * <pre>{@code
 * try (ApiConnectDiscovery apic = ApiConnectDiscovery.connect(config)) {
 *   for (ApiConnectDiscovery.Organization org : apic.organizations()) { ... }
 * }
 * }</pre>
 *
 * <p>Calls {@code GET /api/orgs}, {@code GET /api/orgs/{org}/catalogs} and {@code GET
 * /api/catalogs/{org}/{catalog}/apps?expand=consumer_org}, every page.
 */
public final class ApiConnectDiscovery implements AutoCloseable {
  /**
   * A provider organization.
   *
   * @param id its id
   * @param name its name, as used in paths and in the {@code org} key
   * @param title its display title, or null
   */
  public record Organization(String id, String name, @Nullable String title) {}

  /**
   * A catalog of an organization.
   *
   * @param id its id
   * @param name its name, as used in the {@code catalog} key
   * @param title its display title, or null
   */
  public record Catalog(String id, String name, @Nullable String title) {}

  /**
   * An application of a catalog.
   *
   * @param id its id
   * @param name its name, as used in the {@code app} key
   * @param title its display title, or null
   * @param state its state (e.g. {@code enabled}), or null
   * @param consumerOrgId the id of the consumer organization that owns it, or null if not given
   * @param consumerOrgName that consumer organization's name (the {@code consumerOrg} key), or
   *     null if the platform did not expand it
   */
  public record Application(String id, String name, @Nullable String title,
      @Nullable String state, @Nullable String consumerOrgId, @Nullable String consumerOrgName) {}

  private final Discovery discovery;

  private ApiConnectDiscovery(Discovery discovery) {
    this.discovery = discovery;
  }

  /**
   * {@return a discovery session} {@code config} needs the connection keys of {@link
   * ApiConnectKeys}
   * ({@code url}, {@code apiKey}, {@code clientId}, {@code clientSecret}; timeouts and trust store
   * as
   * usual); {@code org}, {@code catalog} and {@code app} may be absent. Calls nothing remote.
   *
   * @param config the provider configuration to connect with
   * @throws InvalidRequestException naming the first missing, malformed or unknown key
   */
  public static ApiConnectDiscovery connect(ProviderConfig config) {
    Objects.requireNonNull(config, "config");
    ApicOptions options = new ApicOptions(null, null, Clock.systemUTC(), Sleeper.SYSTEM,
        ApicOptions.DEFAULT_PAGE_SIZE, ApicOptions.DEFAULT_MAX_RETRIES,
        ApicOptions.DEFAULT_BASE_BACKOFF, ApicOptions.DEFAULT_MAX_INLINE_WAIT);
    return new ApiConnectDiscovery(
        Discovery.open(SettingsParser.parseForDiscovery(config, null), options));
  }

  /**
   * {@return the provider organizations the API key's user can see}
   *
   * @throws ProviderException if the platform failed or refused (the message says why)
   */
  public List<Organization> organizations() {
    return discovery.organizations();
  }

  /**
   * {@return the catalogs of {@code org} (name or id)}
   *
   * @param org the provider organization, by name or id
   * @throws NotFoundException if the organization does not exist or is not visible
   * @throws ProviderException if the platform failed or refused
   */
  public List<Catalog> catalogs(String org) {
    return discovery.catalogs(Objects.requireNonNull(org, "org"));
  }

  /**
   * {@return the applications of a catalog, with their consumer organizations}
   *
   * @param org the provider organization, by name or id
   * @param catalog the catalog, by name or id
   * @throws NotFoundException if the organization or catalog does not exist or is not visible
   * @throws ProviderException if the platform failed or refused
   */
  public List<Application> applications(String org, String catalog) {
    return discovery.applications(Objects.requireNonNull(org, "org"),
        Objects.requireNonNull(catalog, "catalog"));
  }

  /** Stops the HTTP client. */
  @Override
  public void close() {
    discovery.close();
  }

  @Override
  public String toString() {
    return "ApiConnectDiscovery[" + discovery + "]";
  }
}
