package dev.dynsecret.apic.internal;

import static dev.dynsecret.apic.ApiConnectKeys.ALL;
import static dev.dynsecret.apic.ApiConnectKeys.API_KEY;
import static dev.dynsecret.apic.ApiConnectKeys.APP;
import static dev.dynsecret.apic.ApiConnectKeys.CATALOG;
import static dev.dynsecret.apic.ApiConnectKeys.CLIENT_ID;
import static dev.dynsecret.apic.ApiConnectKeys.CLIENT_SECRET;
import static dev.dynsecret.apic.ApiConnectKeys.CONNECT_TIMEOUT;
import static dev.dynsecret.apic.ApiConnectKeys.CONSUMER_ORG;
import static dev.dynsecret.apic.ApiConnectKeys.CREATE_DEADLINE;
import static dev.dynsecret.apic.ApiConnectKeys.ORG;
import static dev.dynsecret.apic.ApiConnectKeys.REQUEST_TIMEOUT;
import static dev.dynsecret.apic.ApiConnectKeys.TRUST_STORE;
import static dev.dynsecret.apic.ApiConnectKeys.TRUST_STORE_PASSWORD;
import static dev.dynsecret.apic.ApiConnectKeys.URL;

import dev.dynsecret.InvalidRequestException;
import dev.dynsecret.Secret;
import dev.dynsecret.ProviderConfig;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.UnrecoverableKeyException;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.jspecify.annotations.Nullable;

/** Checks a {@link ProviderConfig} field by field; the first bad one is named in the exception. */
public final class SettingsParser {
  static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
  static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(20);
  static final Duration DEFAULT_CREATE_DEADLINE = Duration.ofSeconds(30);
  private static final Duration MIN_CREATE_DEADLINE = Duration.ofMillis(100);
  private static final Duration MAX_CREATE_DEADLINE = Duration.ofMinutes(4);
  private static final Duration MAX_TIMEOUT = Duration.ofMinutes(10);
  private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m)");
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final int MAX_SHOWN = 100;
  private static final String DURATION_RULE =
      "must be a whole number followed by ms, s or m (e.g. 500ms, 10s, 1m), from 1ms to 10m";

  private SettingsParser() {}

  /**
   * @param defaultSsl the provider-wide trust, used when the configuration names no trust store
   * @throws InvalidRequestException naming the first missing or malformed field
   */
  public static ApicSettings parse(ProviderConfig config, @Nullable SSLContext defaultSsl) {
    rejectUnknownKeys(config);
    URI url = url(config.require(URL));
    Secret apiKey = secret(config, API_KEY);
    String clientId = name(config, CLIENT_ID);
    Secret clientSecret = secret(config, CLIENT_SECRET);
    String org = name(config, ORG);
    String catalog = name(config, CATALOG);
    String app = name(config, APP);
    String consumerOrg = config.get(CONSUMER_ORG).isPresent() ? name(config, CONSUMER_ORG) : null;
    Duration connectTimeout = duration(config, CONNECT_TIMEOUT, DEFAULT_CONNECT_TIMEOUT);
    Duration requestTimeout = duration(config, REQUEST_TIMEOUT, DEFAULT_REQUEST_TIMEOUT);
    Duration createDeadline = createDeadline(config);
    SSLContext ssl = trust(config, defaultSsl);
    return new ApicSettings(url, apiKey, clientId, clientSecret, org, catalog, app, consumerOrg,
        connectTimeout, requestTimeout, createDeadline, ssl);
  }

  /**
   * The settings of a discovery session: only the connection keys ({@code url}, {@code apiKey},
   * {@code clientId}, {@code clientSecret}, timeouts, trust) are needed; {@code org}, {@code
   * catalog} and {@code app} may be absent, since discovery is how one finds them.
   *
   * @throws InvalidRequestException naming the first missing or malformed field
   */
  public static ApicSettings parseForDiscovery(ProviderConfig config, SSLContext defaultSsl) {
    ProviderConfig.Builder filled = ProviderConfig.builder();
    for (String key : config.keys()) {
      if (key.equals(API_KEY) || key.equals(CLIENT_SECRET) || key.equals(TRUST_STORE_PASSWORD)) {
        filled.put(key, config.requireSecret(key));
      } else {
        config.get(key).ifPresent(value -> filled.put(key, value));
      }
    }
    // Stand-ins, never sent: discovery builds its own paths.
    for (String key : new String[] {ORG, CATALOG, APP}) {
      if (config.get(key).isEmpty()) {
        filled.put(key, "-");
      }
    }
    return parse(filled.build(), defaultSsl);
  }

  private static void rejectUnknownKeys(ProviderConfig config) {
    for (String key : config.keys()) {
      if (!ALL.contains(key)) {
        String hint = ALL.stream().filter(k -> k.equalsIgnoreCase(key)).findFirst()
            .map(k -> "did you mean '" + k + "'? ").orElse("");
        throw new InvalidRequestException(shown(key),
            "is not a configuration key of ibm-api-connect; " + hint + "the keys are " + ALL);
      }
    }
  }

  static URI url(String raw) {
    String example = "must be an absolute https URL such as https://platform-api.example.com";
    URI uri;
    try {
      uri = new URI(raw);
    } catch (URISyntaxException e) {
      // Not echoed: a malformed value might be a pasted credential.
      throw new InvalidRequestException(URL, example + "; the value is not a valid URL");
    }
    if (uri.getRawUserInfo() != null) {
      throw new InvalidRequestException(URL, "must not contain a user name or password");
    }
    if (!uri.isAbsolute() || uri.isOpaque() || uri.getHost() == null) {
      throw new InvalidRequestException(URL, example + "; was '" + shown(raw) + "'");
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      // Not echoed: a query is where a pasted URL would carry a token.
      throw new InvalidRequestException(URL, "must not have a query or fragment");
    }
    if (uri.getHost().length() > 253) {
      // DNS names have at most 253 characters: such a host could only fail, call after call.
      throw new InvalidRequestException(URL,
          "must have a host name of at most 253 characters; was '" + shown(raw) + "'");
    }
    if (uri.getPort() == 0 || uri.getPort() > 65_535) {
      throw new InvalidRequestException(URL, "must have a port from 1 to 65535; was '"
          + shown(raw) + "'");
    }
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    if (scheme.equals("http")) {
      if (!isLoopback(uri.getHost())) {
        throw new InvalidRequestException(URL, "must use https; plain http is allowed only for"
            + " loopback hosts (localhost, 127.0.0.0/8, ::1); was '" + shown(raw) + "'");
      }
    } else if (!scheme.equals("https")) {
      throw new InvalidRequestException(URL, example + "; was '" + shown(raw) + "'");
    }
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    while (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    String authority = uri.getRawAuthority();
    return URI.create(scheme + "://" + authority + path);
  }

  /** Loopback by literal only: resolving a name here would let DNS decide whether TLS is used. */
  static boolean isLoopback(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.equals("localhost")) {
      return true;
    }
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    if (!IPV4.matcher(h).matches() && !h.contains(":")) {
      return false;
    }
    try {
      // An IP literal is parsed without any lookup.
      return InetAddress.getByName(h).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /** A credential: kept as given, but one of white space only is as good as none. */
  private static Secret secret(ProviderConfig config, String key) {
    Secret value = config.requireSecret(key);
    if (value.reveal().isBlank()) {
      throw new InvalidRequestException(key, "is required; the value is blank");
    }
    return value;
  }

  /**
   * A configured value as shown in a message: control characters escaped, so that a value cannot
   * forge log lines, and long values cut.
   */
  static String shown(String raw) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < raw.length() && i < MAX_SHOWN; i++) {
      char c = raw.charAt(i);
      out.append(Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c));
    }
    return raw.length() <= MAX_SHOWN ? out.toString()
        : out + "... (" + raw.length() + " characters)";
  }

  private static String name(ProviderConfig config, String key) {
    String value = config.require(key);
    for (int i = 0; i < value.length(); i++) {
      if (Character.isISOControl(value.charAt(i))) {
        throw new InvalidRequestException(key, "must not contain control characters");
      }
    }
    if (value.equals(".") || value.equals("..")) {
      throw new InvalidRequestException(key, "must not be '.' or '..'");
    }
    return value;
  }

  static Duration duration(ProviderConfig config, String key, Duration defaultValue) {
    String raw = config.get(key).orElse(null);
    if (raw == null) {
      return defaultValue;
    }
    Matcher m = DURATION.matcher(raw);
    if (!m.matches()) {
      throw new InvalidRequestException(key, DURATION_RULE + "; was '" + shown(raw) + "'");
    }
    long amount = Long.parseLong(m.group(1));
    Duration d = switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(amount);
      case "s" -> Duration.ofSeconds(amount);
      default -> Duration.ofMinutes(amount);
    };
    if (d.isZero() || d.compareTo(MAX_TIMEOUT) > 0) {
      throw new InvalidRequestException(key, DURATION_RULE + "; was '" + shown(raw) + "'");
    }
    return d;
  }

  /**
   * Below the lease manager's default pending grace period (5 min) with room to spare: a create
   * still retrying when reconciliation looks at its lease would race it.
   */
  private static Duration createDeadline(ProviderConfig config) {
    String raw = config.get(CREATE_DEADLINE).orElse(null);
    if (raw == null) {
      return DEFAULT_CREATE_DEADLINE;
    }
    String rule = "must be a whole number followed by ms, s or m (e.g. 30s), from 100ms to 4m,"
        + " so that a create gives up well before the lease manager's pending grace period"
        + " (5 min by default) ends";
    Matcher m = DURATION.matcher(raw);
    if (!m.matches()) {
      throw new InvalidRequestException(CREATE_DEADLINE, rule + "; was '" + shown(raw) + "'");
    }
    long amount = Long.parseLong(m.group(1));
    Duration d = switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(amount);
      case "s" -> Duration.ofSeconds(amount);
      default -> Duration.ofMinutes(amount);
    };
    if (d.compareTo(MIN_CREATE_DEADLINE) < 0 || d.compareTo(MAX_CREATE_DEADLINE) > 0) {
      throw new InvalidRequestException(CREATE_DEADLINE, rule + "; was '" + shown(raw) + "'");
    }
    return d;
  }

  private static @Nullable SSLContext trust(ProviderConfig config, @Nullable SSLContext defaultSsl) {
    String path = config.get(TRUST_STORE).orElse(null);
    boolean hasPassword = config.keys().contains(TRUST_STORE_PASSWORD)
        && !config.get(TRUST_STORE_PASSWORD).orElse("").isEmpty();
    if (path == null) {
      if (hasPassword) {
        throw new InvalidRequestException(TRUST_STORE_PASSWORD, "is set but trustStore is not");
      }
      return defaultSsl;
    }
    File file = new File(path);
    if (!file.isFile() || !file.canRead()) {
      throw new InvalidRequestException(TRUST_STORE, "must be a readable file; '" + shown(path)
          + "' is not");
    }
    char[] password = hasPassword ? config.requireSecret(TRUST_STORE_PASSWORD).reveal().toCharArray()
        : null;
    KeyStore store;
    try {
      store = KeyStore.getInstance(file, password);
    } catch (IOException e) {
      if (e.getCause() instanceof UnrecoverableKeyException) {
        throw new InvalidRequestException(TRUST_STORE_PASSWORD, "does not open trust store '"
            + shown(path) + "'");
      }
      throw new InvalidRequestException(TRUST_STORE, "could not be read as a PKCS#12 or JKS trust"
          + " store: '" + shown(path) + "' (" + e.getClass().getSimpleName() + ")");
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new InvalidRequestException(TRUST_STORE, "could not be read as a PKCS#12 or JKS trust"
          + " store: '" + shown(path) + "' (" + e.getClass().getSimpleName() + ")");
    }
    try {
      if (store.size() == 0) {
        throw new InvalidRequestException(TRUST_STORE, "holds no certificates: '" + shown(path)
            + "'");
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(store);
      SSLContext ssl = SSLContext.getInstance("TLS");
      ssl.init(null, tmf.getTrustManagers(), null);
      return ssl;
    } catch (GeneralSecurityException e) {
      throw new InvalidRequestException(TRUST_STORE, "could not be used as a trust store: '"
          + shown(path) + "' (" + e.getClass().getSimpleName() + ")");
    }
  }
}
