package dev.dynsecret.apic.internal;

import dev.dynsecret.Secret;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/**
 * One dynamic secret's checked configuration.
 *
 * @param baseUrl the platform API URL without a trailing slash
 * @param consumerOrg the configured consumer organization, or null to resolve it from the app
 * @param createDeadline how long a create (and a lookup or delete) may keep retrying
 * @param sslContext the trust to use, or null for the JDK default
 */
public record ApicSettings(
    URI baseUrl,
    Secret apiKey,
    String clientId,
    Secret clientSecret,
    String org,
    String catalog,
    String app,
    @Nullable String consumerOrg,
    Duration connectTimeout,
    Duration requestTimeout,
    Duration createDeadline,
    @Nullable SSLContext sslContext) {

  public ApicSettings {
    Objects.requireNonNull(baseUrl, "baseUrl");
    Objects.requireNonNull(apiKey, "apiKey");
    Objects.requireNonNull(clientId, "clientId");
    Objects.requireNonNull(clientSecret, "clientSecret");
    Objects.requireNonNull(org, "org");
    Objects.requireNonNull(catalog, "catalog");
    Objects.requireNonNull(app, "app");
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(requestTimeout, "requestTimeout");
    Objects.requireNonNull(createDeadline, "createDeadline");
  }

  /** Names the target only; the credentials are left out. */
  @Override
  public String toString() {
    return "ApicSettings[url=" + baseUrl + ", org=" + org + ", catalog=" + catalog + ", app=" + app
        + (consumerOrg == null ? "" : ", consumerOrg=" + consumerOrg) + "]";
  }
}
