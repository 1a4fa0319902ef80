package dev.dynsecret.apic;

import static dev.dynsecret.apic.Apic.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.dynsecret.InvalidRequestException;
import dev.dynsecret.ProviderConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import dev.dynsecret.spi.ProviderConnection;

/** Each configuration key is checked when the secret is registered, with the field named. */
class ConfigurationTest {
  private final ApiConnectProvider provider = new ApiConnectProvider();

  private static ProviderConfig.Builder valid() {
    return ProviderConfig.builder()
        .put("url", "https://platform-api.example.com")
        .put("apiKey", Apic.API_KEY)
        .put("clientId", Apic.CLIENT_ID)
        .put("clientSecret", Apic.CLIENT_SECRET)
        .put("org", "acme")
        .put("catalog", "sandbox")
        .put("app", "orders-app");
  }

  private InvalidRequestException rejected(ProviderConfig.Builder config) {
    return assertThrows(InvalidRequestException.class, () -> provider.connect(config.build()));
  }

  private void accepted(ProviderConfig.Builder config) {
    ProviderConnection handle = provider.connect(config.build());
    handle.close();
  }

  @Test
  void validConfigurationConnectsWithoutCallingAnything() {
    // example.com is never contacted: connect only checks.
    accepted(valid());
  }

  @ParameterizedTest
  @ValueSource(strings = {"url", "apiKey", "clientId", "clientSecret", "org", "catalog", "app"})
  void everyRequiredKeyIsNamedWhenMissing(String key) {
    InvalidRequestException e = rejected(valid().put(key, (String) null));

    assertEquals(key, e.field());
    assertEquals(key + ": is required", e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"url", "clientId", "org", "catalog", "app"})
  void blankValuesCountAsMissing(String key) {
    assertEquals(key, rejected(valid().put(key, "   ")).field());
  }

  @Test
  void blankConsumerOrgMeansLookItUp() {
    ProviderConnection handle = provider.connect(valid().put("consumerOrg", " ").build());
    handle.close();

    assertContains(handle.toString(), "consumerOrg=(not yet resolved)");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "platform-api.example.com | must be an absolute https URL",
      "/api | must be an absolute https URL",
      "https:// | must be an absolute https URL",
      "ftp://platform-api.example.com | must be an absolute https URL",
      "https://platform api.example.com | the value is not a valid URL",
      "https://platform-api.example.com/?x=1 | must not have a query or fragment",
      "https://platform-api.example.com/#top | must not have a query or fragment",
      "http://platform-api.example.com | must use https; plain http is allowed only for loopback",
      "http://10.0.0.5:9443 | must use https",
      "http://localhost.example.com | must use https",
      "http://128.0.0.1 | must use https"})
  void malformedOrInsecureUrlIsRejected(String url, String rule) {
    InvalidRequestException e = rejected(valid().put("url", url));

    assertEquals("url", e.field());
    assertContains(e.getMessage(), rule);
  }

  @Test
  void urlWithUserInfoIsRejectedWithoutEchoingIt() {
    InvalidRequestException e = rejected(valid().put("url", "https://admin:hunter2@example.com"));

    assertEquals("url: must not contain a user name or password", e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://localhost:8080", "http://LOCALHOST", "http://127.0.0.1:9",
      "http://127.10.20.30", "http://[::1]:8080", "https://platform-api.example.com/",
      "https://platform-api.example.com/prefix/", "HTTPS://Platform-API.example.com"})
  void httpsOrLoopbackHttpIsAccepted(String url) {
    accepted(valid().put("url", url));
  }

  @Test
  void trailingSlashesAreDroppedFromTheUrl() {
    ProviderConnection handle = provider.connect(valid().put("url", "https://h.example.com/base//")
        .build());
    handle.close();

    assertContains(handle.toString(), "url=https://h.example.com/base,");
  }

  @ParameterizedTest
  @ValueSource(strings = {"org", "catalog", "app", "consumerOrg", "clientId"})
  void namesMustNotHoldControlCharactersOrBeDotSegments(String key) {
    assertEquals(key, rejected(valid().put(key, "a\u0000b")).field());
    assertEquals(key, rejected(valid().put(key, "..")).field());
  }

  @ParameterizedTest
  @ValueSource(strings = {"10", "10 s", "0s", "0ms", "11m", "PT10S", "-1s", "1h", "1.5s", "s"})
  void malformedTimeoutsAreRejectedWithTheRule(String value) {
    for (String key : new String[] {"connectTimeout", "requestTimeout"}) {
      InvalidRequestException e = rejected(valid().put(key, value));

      assertEquals(key, e.field());
      assertContains(e.getMessage(), "must be a whole number followed by ms, s or m (e.g. 500ms,"
          + " 10s, 1m), from 1ms to 10m; was '" + value + "'");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"500ms", "10s", "1m", "10m", "1ms"})
  void wellFormedTimeoutsAreAccepted(String value) {
    accepted(valid().put("connectTimeout", value).put("requestTimeout", value));
  }

  @Test
  void unknownKeyIsRejectedWithAHint() {
    InvalidRequestException e = rejected(valid().put("apikey", "x"));

    assertEquals("apikey", e.field());
    assertContains(e.getMessage(), "is not a configuration key of ibm-api-connect; did you mean"
        + " 'apiKey'?");
  }

  @Test
  void trustStorePasswordAloneIsRejected() {
    assertEquals("trustStorePassword", rejected(valid().put("trustStorePassword", "pw")).field());
  }

  @Test
  void missingTrustStoreFileIsRejected(@TempDir Path dir) {
    InvalidRequestException e = rejected(valid().put("trustStore",
        dir.resolve("absent.p12").toString()));

    assertEquals("trustStore", e.field());
    assertContains(e.getMessage(), "must be a readable file");
  }

  @Test
  void trustStoreThatIsNotAKeyStoreIsRejected(@TempDir Path dir) throws IOException {
    Path garbage = Files.writeString(dir.resolve("ca.p12"), "-----BEGIN CERTIFICATE-----");

    InvalidRequestException e = rejected(valid().put("trustStore", garbage.toString()));

    assertEquals("trustStore", e.field());
  }

  @Test
  void trustStoreWithAWrongPasswordNamesThePassword() {
    ProviderConfig.Builder config = valid().put("trustStore", TlsTest.jdkCacerts().toString())
        .put("trustStorePassword", "not-the-password");

    InvalidRequestException e = rejected(config);

    assertEquals("trustStorePassword", e.field());
    assertFalse(e.getMessage().contains("not-the-password"));
  }

  @Test
  void jdkCacertsIsAUsableTrustStore() {
    accepted(valid().put("trustStore", TlsTest.jdkCacerts().toString())
        .put("trustStorePassword", "changeit"));
  }

  @Test
  void providerAndConfigDescribeThemselvesWithoutSecrets() {
    ProviderConfig config = valid().build();

    assertEquals("ApiConnectProvider[type=ibm-api-connect]", provider.toString());
    assertFalse(config.toString().contains(Apic.API_KEY));
  }
}
