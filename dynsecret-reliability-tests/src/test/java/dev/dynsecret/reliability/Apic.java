package dev.dynsecret.reliability;

import dev.dynsecret.DynamicSecret;
import dev.dynsecret.apic.ApiConnectKeys;
import dev.dynsecret.apic.ApiConnectProvider;
import dev.dynsecret.ProviderConfig;
import java.time.Duration;

/** The dynamic secret the scenarios lease from: one application on an APIC (simulator). */
final class Apic {
  static final String SECRET = "orders-api";

  private Apic() {}

  /**
   * A definition against the platform at {@code url}. Timeouts are short so that a stalled request
   * costs half a second of real time, not the default twenty.
   */
  static DynamicSecret secret(String url, String apiKey, String clientId, String clientSecret,
      String org, String catalog, String app, Duration maxTtl) {
    return DynamicSecret.builder(SECRET)
        .provider(ApiConnectProvider.TYPE, ProviderConfig.builder()
            .put(ApiConnectKeys.URL, url)
            .put(ApiConnectKeys.API_KEY, apiKey)
            .put(ApiConnectKeys.CLIENT_ID, clientId)
            .put(ApiConnectKeys.CLIENT_SECRET, clientSecret)
            .put(ApiConnectKeys.ORG, org)
            .put(ApiConnectKeys.CATALOG, catalog)
            .put(ApiConnectKeys.APP, app)
            .put(ApiConnectKeys.CONNECT_TIMEOUT, "500ms")
            .put(ApiConnectKeys.REQUEST_TIMEOUT, "500ms")
            // Short, so that some creates still give up under faults and reconciliation has work.
            .put(ApiConnectKeys.CREATE_DEADLINE, "1s")
            .build())
        .defaultTtl(Duration.ofMinutes(5))
        .maxTtl(maxTtl)
        .build();
  }
}
