package dev.dynsecret.apic;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.dynsecret.Lease;
import dev.dynsecret.spi.LeaseRecord;
import dev.dynsecret.LeaseState;
import dev.dynsecret.ProviderConfig;
import dev.dynsecret.buildsupport.SecretsUsed;
import java.time.Duration;
import java.time.Instant;

/** Test values and stubs shared by the WireMock tests: one org, catalog, consumer org and app. */
final class Apic {
  // Marked values, easy to search for in logs and messages; declared to the build's log search.
  static final String API_KEY = SecretsUsed.declare("ak-SECRET-apikey-7f3a9c");
  static final String CLIENT_ID = "toolkit-client-id";
  static final String CLIENT_SECRET = SecretsUsed.declare("cs-SECRET-toolkit-91b2e");
  static final String TOKEN = SecretsUsed.declare("eyJ-SECRET-access-token-4242");
  static final String GENERATED_ID = "gen-client-id-0001";
  static final String GENERATED_SECRET = SecretsUsed.declare("gen-SECRET-client-secret-5555");

  static final String ORG = "acme";
  static final String CATALOG = "sandbox";
  static final String CONSUMER_ORG = "acme-dev";
  static final String APP = "orders-app";
  static final String CREDENTIALS = "/api/apps/acme/sandbox/acme-dev/orders-app/credentials";
  static final String APPS = "/api/catalogs/acme/sandbox/apps";

  static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
  static final String LEASE_ID = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b";
  static final String CREDENTIAL_NAME = "dynsecret-" + LEASE_ID;

  private Apic() {}

  static void assertContains(String actual, String expected) {
    org.junit.jupiter.api.Assertions.assertTrue(actual != null && actual.contains(expected),
        () -> "expected to contain: " + expected + "\n  but was: " + actual);
  }

  /** A full configuration with the consumer org given. */
  static ProviderConfig.Builder config(WireMockExtension wm) {
    return ProviderConfig.builder()
        .put("url", wm.baseUrl())
        .put("apiKey", API_KEY)
        .put("clientId", CLIENT_ID)
        .put("clientSecret", CLIENT_SECRET)
        .put("org", ORG)
        .put("catalog", CATALOG)
        .put("app", APP)
        .put("consumerOrg", CONSUMER_ORG);
  }

  static Lease lease(String id) {
    return LeaseRecord.builder()
        .id(id)
        .secretName("orders-api")
        .state(LeaseState.PENDING)
        .createdAt(T0)
        .expiresAt(T0.plus(Duration.ofHours(1)))
        .hardLimitAt(T0.plus(Duration.ofHours(8)))
        .build()
        .toLease();
  }

  static Lease lease() {
    return lease(LEASE_ID);
  }

  static Lease activeLease(String externalId) {
    Lease pending = lease();
    return new Lease(pending.id(), pending.secretName(), externalId, LeaseState.ACTIVE,
        pending.createdAt(), pending.expiresAt(), pending.hardLimitAt(), null, null, null, 0, null,
        null, pending.metadata());
  }

  static String tokenJson(String token, long expiresIn) {
    return "{\"access_token\":\"" + token + "\",\"token_type\":\"Bearer\",\"expires_in\":"
        + expiresIn + "}";
  }

  static void stubToken(WireMockExtension wm) {
    wm.stubFor(post(urlEqualTo("/api/token")).willReturn(okJson(tokenJson(TOKEN, 28800))));
  }

  static String credentialJson(String name) {
    return "{\"type\":\"credential\",\"api_version\":\"2.0.0\",\"id\":\"cred-id-1\",\"name\":\""
        + name + "\",\"title\":\"t\",\"summary\":\"s\",\"client_id\":\"" + GENERATED_ID
        + "\",\"client_secret\":\"" + GENERATED_SECRET + "\","
        + "\"created_at\":\"2030-01-01T00:00:00.000Z\",\"url\":\"https://x" + CREDENTIALS
        + "/cred-id-1\"}";
  }

  static ResponseDefinitionBuilder created(int status) {
    return aResponse().withStatus(status).withHeader("Content-Type", "application/json")
        .withBody(credentialJson(CREDENTIAL_NAME));
  }

  static void stubCreate(WireMockExtension wm) {
    wm.stubFor(post(urlPathEqualTo(CREDENTIALS)).willReturn(created(201)));
  }

  static void stubDeleteByName(WireMockExtension wm, int status) {
    wm.stubFor(delete(urlEqualTo(CREDENTIALS + "/" + CREDENTIAL_NAME))
        .willReturn(aResponse().withStatus(status)));
  }

  /** APIC's error shape. */
  static ResponseDefinitionBuilder apicError(int status, String... messages) {
    StringBuilder json = new StringBuilder("{\"status\":" + status + ",\"message\":[");
    for (int i = 0; i < messages.length; i++) {
      json.append(i == 0 ? "" : ",").append('"').append(messages[i]).append('"');
    }
    json.append("]}");
    return aResponse().withStatus(status).withHeader("Content-Type", "application/json")
        .withBody(json.toString());
  }
}
