package dev.dynsecret.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynsecret.DynamicSecret;
import dev.dynsecret.InvalidRequestException;
import dev.dynsecret.apic.ApiConnectKeys;
import dev.dynsecret.apic.ApiConnectProvider;
import dev.dynsecret.ProviderConfig;
import dev.dynsecret.buildsupport.SecretsUsed;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A generated corpus of broken IBM API Connect configurations. Each is refused when the secret is
 * registered, and when an existing secret is updated to it, with an {@link
 * InvalidRequestException} naming the key and the rule; the leases already stored and the
 * registered definition stay exactly as they were, and no message repeats a credential.
 */
class ApicConfigurationCorpusTest {
  private static final String REGISTERED = "apic-registered";
  // Trust store passwords are credentials too: declared to the build's log search.
  private static final String EMPTY_PW = SecretsUsed.declare("empty-store-pw");
  private static final String RIGHT_PW = SecretsUsed.declare("right-store-pw");
  private static final String WRONG_PW = SecretsUsed.declare("wrong-store-pw");
  private static final String ORPHAN_PW = SecretsUsed.declare("orphan-store-pw");

  @TempDir static Path files;
  private static Path notAKeyStore;
  private static Path emptyKeyStore;
  private static Path passwordKeyStore;

  private Fixture fixture;

  /** One broken configuration and what the error must say. */
  record Case(String description, Map<String, String> config, String field, String fragment) {
    @Override
    public String toString() {
      return description;
    }
  }

  @BeforeAll
  static void keyStores() throws Exception {
    notAKeyStore = Files.writeString(files.resolve("notes.txt"), "not a key store");
    emptyKeyStore = files.resolve("empty.p12");
    KeyStore empty = KeyStore.getInstance("PKCS12");
    empty.load(null, null);
    try (var out = Files.newOutputStream(emptyKeyStore)) {
      empty.store(out, EMPTY_PW.toCharArray());
    }
    passwordKeyStore = ApicTls.trustStore(files.resolve("jdk-ca.p12"), RIGHT_PW);
  }

  @BeforeEach
  void start() {
    fixture = new Fixture();
    fixture.manager.register(definition("apic-registered", valid()));
  }

  @AfterEach
  void stop() {
    fixture.close();
  }

  static Map<String, String> valid() {
    Map<String, String> config = new LinkedHashMap<>();
    config.put(ApiConnectKeys.URL, "http://127.0.0.1:9");
    config.put(ApiConnectKeys.API_KEY, Fixture.API_KEY);
    config.put(ApiConnectKeys.CLIENT_ID, "toolkit-client");
    config.put(ApiConnectKeys.CLIENT_SECRET, Fixture.CLIENT_SECRET);
    config.put(ApiConnectKeys.ORG, "acme");
    config.put(ApiConnectKeys.CATALOG, "sandbox");
    config.put(ApiConnectKeys.APP, "orders-app");
    return config;
  }

  private static DynamicSecret definition(String name, Map<String, String> config) {
    return DynamicSecret.builder(name)
        .provider(ApiConnectProvider.TYPE, ProviderConfig.of(config))
        .defaultTtl(Duration.ofHours(1)).build();
  }

  private static Case with(String description, String key, String value, String field,
      String fragment) {
    Map<String, String> config = valid();
    config.put(key, value);
    return new Case(description, config, field, fragment);
  }

  static Stream<Case> corpus() {
    List<Case> cases = new ArrayList<>();
    List<String> required = List.of(ApiConnectKeys.URL, ApiConnectKeys.API_KEY,
        ApiConnectKeys.CLIENT_ID, ApiConnectKeys.CLIENT_SECRET, ApiConnectKeys.ORG,
        ApiConnectKeys.CATALOG, ApiConnectKeys.APP);
    for (String key : required) {
      Map<String, String> missing = valid();
      missing.remove(key);
      cases.add(new Case(key + " missing", missing, key, "is required"));
      for (String blank : List.of("", " ", "\t", "  \n ", "\u2003")) {
        cases.add(with(key + " blank " + escape(blank), key, blank, key, "required"));
      }
    }
    // Names go into URL paths: control characters and dot segments are refused.
    for (String key : List.of(ApiConnectKeys.CLIENT_ID, ApiConnectKeys.ORG,
        ApiConnectKeys.CATALOG, ApiConnectKeys.APP, ApiConnectKeys.CONSUMER_ORG)) {
      for (String control : List.of("\u0000", "\n", "\r", "\t", "\u001b", "\u007f", "\u0085")) {
        cases.add(with(key + " holding " + escape(control), key, "ac" + control + "me", key,
            "control characters"));
      }
      for (String dots : List.of(".", "..")) {
        cases.add(with(key + " = " + dots, key, dots, key, "'.' or '..'"));
      }
    }
    // Bad URLs: not URLs, wrong schemes, plain http off loopback, extra parts.
    String url = ApiConnectKeys.URL;
    String[][] urls = {
        {"not a url", "not a valid URL"},
        {"platform-api.example.com", "absolute https URL"},
        {"//platform-api.example.com", "absolute https URL"},
        {"/api", "absolute https URL"},
        {"https://", "not a valid URL"},
        {"https:platform-api.example.com", "absolute https URL"},
        {"ftp://platform-api.example.com", "absolute https URL"},
        {"file:///etc/passwd", "absolute https URL"},
        {"javascript:alert(1)", "absolute https URL"},
        {"ws://127.0.0.1:9", "absolute https URL"},
        {"http://platform-api.example.com", "must use https"},
        {"http://10.0.0.1", "must use https"},
        {"http://0.0.0.0:9", "must use https"},
        {"http://[::2]:9", "must use https"},
        {"http://localhost.example.com", "must use https"},
        {"http://127.0.0.1.nip.io", "must use https"},
        {"HTTP://PLATFORM-API.EXAMPLE.COM", "must use https"},
        {"https://user:pw@platform-api.example.com", "user name or password"},
        {"https://user@platform-api.example.com", "user name or password"},
        {"https://platform-api.example.com?token=x", "query or fragment"},
        {"https://platform-api.example.com/#top", "query or fragment"},
        {"https://platform api.example.com", "not a valid URL"},
        {"https://platform-api.example.com/\u0000", "not a valid URL"},
        {"https://platform-api.\nexample.com", "not a valid URL"},
        {"https://[::1", "not a valid URL"},
        {"https://platform-api.example.com:99999", "port"},
        {"https://platform-api.example.com:65536", "port"},
        {"https://platform-api.example.com:0", "port"},
        {"http://127.0.0.1:0", "port"},
        {"https://:443", "absolute https URL"},
        {"https:/platform-api.example.com", "absolute https URL"},
        {"mailto:ops@example.com", "absolute https URL"},
        {"data:text/plain,hello", "absolute https URL"},
        {"https://platform-api.example.com/api?", "query or fragment"},
        {"https://platform-api.example.com#", "query or fragment"},
        {"\\\\server\\share", "not a valid URL"},
        {"C:\\apic", "not a valid URL"},
        {"https://" + "a".repeat(100_000) + ".example.com", "at most 253 characters"},
        {"https://" + "a.".repeat(127) + "com", "at most 253 characters"},
    };
    for (String[] u : urls) {
      cases.add(with("url " + abbreviate(u[0]), url, u[0], url, u[1]));
    }
    // Timeouts: format and range.
    for (String key : List.of(ApiConnectKeys.CONNECT_TIMEOUT, ApiConnectKeys.REQUEST_TIMEOUT)) {
      for (String bad : List.of("0ms", "0s", "0m", "-1s", "+1s", "11m", "601s", "600001ms",
          "999999999m", "9999999999s", "1h", "1d", "1.5s", "1e3ms", "0x10s", "10", "s", "ms",
          "1 s", "1S", "1MS", "\uff11s", "1s\u0000", "ten seconds", "PT10S", "-0s", "1_000ms",
          "1,5s", "\u221es", "NaNs")) {
        cases.add(with(key + " = " + escape(bad), key, bad, key, "whole number followed by ms"));
      }
    }
    // The create deadline: the same format, and it must end well inside the pending grace period.
    for (String bad : List.of("0ms", "99ms", "0s", "-1s", "+1s", "5m", "241s", "240001ms", "1h",
        "1.5s", "30", "s", "30 s", "30S", "PT30S", "\uff13\uff10s", "30s\u0000", "thirty seconds",
        "9999999999s")) {
      cases.add(with(ApiConnectKeys.CREATE_DEADLINE + " = " + escape(bad),
          ApiConnectKeys.CREATE_DEADLINE, bad, ApiConnectKeys.CREATE_DEADLINE, "from 100ms to 4m"));
    }
    // Unknown keys, including near misses and junk.
    for (String unknown : List.of("apikey", "URL", "Url", "client_secret", "timeout",
        "consumer-org", " url", "url ", "ur\nl", "\u0000", "password", "x".repeat(10_000))) {
      Map<String, String> config = valid();
      config.put(unknown, "value");
      cases.add(new Case("unknown key " + abbreviate(escape(unknown)), config, unknown,
          "is not a configuration key of ibm-api-connect"));
    }
    // Trust store problems.
    cases.add(with("trustStore missing file", ApiConnectKeys.TRUST_STORE,
        files.resolve("absent.p12").toString(), ApiConnectKeys.TRUST_STORE, "readable file"));
    cases.add(with("trustStore is a directory", ApiConnectKeys.TRUST_STORE, files.toString(),
        ApiConnectKeys.TRUST_STORE, "readable file"));
    cases.add(with("trustStore not a key store", ApiConnectKeys.TRUST_STORE,
        notAKeyStore.toString(), ApiConnectKeys.TRUST_STORE, "PKCS#12 or JKS"));
    Map<String, String> empty = valid();
    empty.put(ApiConnectKeys.TRUST_STORE, emptyKeyStore.toString());
    empty.put(ApiConnectKeys.TRUST_STORE_PASSWORD, EMPTY_PW);
    cases.add(new Case("trustStore without certificates", empty, ApiConnectKeys.TRUST_STORE,
        "holds no certificates"));
    Map<String, String> wrongPassword = valid();
    wrongPassword.put(ApiConnectKeys.TRUST_STORE, passwordKeyStore.toString());
    wrongPassword.put(ApiConnectKeys.TRUST_STORE_PASSWORD, WRONG_PW);
    cases.add(new Case("trustStore with the wrong password", wrongPassword,
        ApiConnectKeys.TRUST_STORE_PASSWORD, "does not open"));
    cases.add(with("trustStorePassword without trustStore", ApiConnectKeys.TRUST_STORE_PASSWORD,
        ORPHAN_PW, ApiConnectKeys.TRUST_STORE_PASSWORD, "trustStore is not"));
    return cases.stream();
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("corpus")
  void registeringIsRefusedNamingTheFieldAndNothingChanges(Case c) {
    InvalidRequestException e = fixture.rejectsWithoutChange(InvalidRequestException.class,
        () -> fixture.manager.register(definition("orders-api", c.config())));

    assertRefusal(c, e);
    assertTrue(fixture.manager.secret("orders-api").isEmpty(), "a refused secret is registered");
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("corpus")
  void updatingIsRefusedAndTheRegisteredDefinitionStays(Case c) {
    DynamicSecret before = fixture.manager.secret(REGISTERED).orElseThrow();

    InvalidRequestException e = fixture.rejectsWithoutChange(InvalidRequestException.class,
        () -> fixture.manager.update(definition(REGISTERED, c.config())));

    assertRefusal(c, e);
    assertEquals(before, fixture.manager.secret(REGISTERED).orElseThrow());
  }

  private static void assertRefusal(Case c, InvalidRequestException e) {
    assertEquals(InvalidRequestException.class, e.getClass(), "the specific type");
    if (printable(c.field())) {
      assertEquals(c.field(), e.field(), () -> "field named by: " + e.getMessage());
      assertTrue(e.getMessage().startsWith(c.field() + ": "), e.getMessage());
    } else {
      // An unprintable or huge key is named in a printable, shortened form.
      assertTrue(printable(e.field()) && !e.field().isEmpty(),
          () -> abbreviate(escape(e.field())));
    }
    assertTrue(printable(e.getMessage()), () -> "control characters or a huge value echoed: "
        + abbreviate(escape(e.getMessage())));
    assertTrue(e.getMessage().contains(c.fragment()),
        () -> "expected the rule '" + c.fragment() + "' in: " + e.getMessage());
    for (String secret : List.of(Fixture.API_KEY, Fixture.CLIENT_SECRET, EMPTY_PW, RIGHT_PW,
        WRONG_PW, ORPHAN_PW)) {
      assertFalse(e.getMessage().contains(secret), "a credential in the message");
    }
  }

  @Test
  void theCorpusIsLargeAndCoversEveryKey() {
    List<Case> cases = corpus().toList();
    assertTrue(cases.size() > 200, "only " + cases.size() + " cases");
    for (String key : ApiConnectKeys.ALL) {
      assertTrue(cases.stream().anyMatch(c -> c.field().equals(key)), "no case for " + key);
    }
  }

  @Test
  void theValidConfigurationItselfIsAccepted() {
    fixture.manager.register(definition("orders-api", valid()));
    Map<String, String> trusted = valid();
    trusted.put(ApiConnectKeys.TRUST_STORE, passwordKeyStore.toString());
    trusted.put(ApiConnectKeys.TRUST_STORE_PASSWORD, RIGHT_PW);
    trusted.put(ApiConnectKeys.CONNECT_TIMEOUT, "10m");
    trusted.put(ApiConnectKeys.REQUEST_TIMEOUT, "1ms");
    fixture.manager.register(definition("orders-api-2", trusted));
  }

  /** No control characters (a value with a newline could forge log lines) and not huge. */
  static boolean printable(String s) {
    return s.length() <= 2_000 && s.chars().noneMatch(Character::isISOControl);
  }

  static String escape(String s) {
    StringBuilder out = new StringBuilder();
    for (char ch : s.toCharArray()) {
      out.append(ch < 0x20 || ch == 0x7f || ch > 0x7e ? String.format("\\u%04x", (int) ch) : ch);
    }
    return out.toString();
  }

  static String abbreviate(String s) {
    return s.length() <= 60 ? s : s.substring(0, 40) + "...(" + s.length() + " chars)";
  }
}
