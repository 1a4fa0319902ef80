package dev.dynsecret.apic;

import java.util.List;

/**
 * The configuration keys of the {@value ApiConnectProvider#TYPE} provider: the fields a dynamic
 * secret's {@link dev.dynsecret.ProviderConfig} holds. Any other key is rejected, so a typo
 * fails when the secret is registered rather than being ignored.
 *
 * <p>Values are trimmed, except {@link #API_KEY}, {@link #CLIENT_SECRET} and {@link
 * #TRUST_STORE_PASSWORD}, which are taken as given.
 */
public final class ApiConnectKeys {
  private ApiConnectKeys() {}

  /**
   * Required. The platform API URL, e.g. {@code https://platform-api.example.com}; request paths
   * ({@code /api/token}, {@code /api/apps/...}) are appended to it. It must use {@code https},
   * except for loopback hosts ({@code localhost}, {@code 127.0.0.0/8}, {@code ::1}), and must not
   * hold a user name, password, query or fragment.
   */
  public static final String URL = "url";

  /** Required, secret. An API key from the APIC "My API Keys" page. */
  public static final String API_KEY = "apiKey";

  /** Required. The toolkit client ID shown next to the API key (not an application's). */
  public static final String CLIENT_ID = "clientId";

  /** Required, secret. The toolkit client secret shown next to the API key. */
  public static final String CLIENT_SECRET = "clientSecret";

  /** Required. The provider organization, by name or id. */
  public static final String ORG = "org";

  /** Required. The catalog, by name or id. */
  public static final String CATALOG = "catalog";

  /** Required. The application whose credentials the leases are, by name or id. */
  public static final String APP = "app";

  /**
   * Optional. The consumer organization that owns {@link #APP}, by name or id. When absent it is
   * looked up once from the catalog's application list (the last segment of the application's
   * {@code consumer_org_url}); set it when the application name is ambiguous in the catalog or to
   * save that lookup.
   */
  public static final String CONSUMER_ORG = "consumerOrg";

  /**
   * Optional. How long to wait for a TCP/TLS connection: a whole number followed by {@code ms},
   * {@code s} or {@code m}, e.g. {@code 500ms}, {@code 10s}, {@code 1m}; 1 ms to 10 min. Default
   * {@code 10s}.
   */
  public static final String CONNECT_TIMEOUT = "connectTimeout";

  /**
   * Optional. How long one HTTP request may take, from sending it to the last byte of the answer;
   * same format and range as {@link #CONNECT_TIMEOUT}. Default {@code 20s}.
   */
  public static final String REQUEST_TIMEOUT = "requestTimeout";

  /**
   * Optional. How long one create may keep trying: transient failures (429 and other answers with
   * {@code Retry-After}, 408, 500, 502, 503, 504, dropped connections, time-outs, a failed token
   * exchange on the way) are retried within it, with exponential backoff and full jitter, waits
   * asked for by {@code Retry-After} included. A create that finds its credential's name taken (an
   * earlier attempt's answer was lost) deletes that leftover and creates it again, so the caller
   * ends up with the one working credential. When the deadline passes the create fails with a
   * {@code TransientProviderException}; the lease stays pending and reconciliation deletes any
   * credential left behind. The same deadline bounds how long a delete, lookup or list waits on a
   * throttled platform. Same format as {@link #CONNECT_TIMEOUT}, from {@code 100ms} to {@code 4m}
   * (below the lease manager's pending grace period, 5 minutes by default). Default {@code 30s}.
   */
  public static final String CREATE_DEADLINE = "createDeadline";

  /**
   * Optional. Path of a PKCS#12 or JKS file holding the certificates to trust, for a platform API
   * served with a private CA. When set it replaces the JDK's default trust (and any {@code
   * SSLContext} given to {@link ApiConnectProvider.Builder#sslContext}) for this secret.
   */
  public static final String TRUST_STORE = "trustStore";

  /** Optional, secret. The password of {@link #TRUST_STORE}, if it has one. */
  public static final String TRUST_STORE_PASSWORD = "trustStorePassword";

  /** Every key, required ones first. */
  public static final List<String> ALL = List.of(URL, API_KEY, CLIENT_ID, CLIENT_SECRET, ORG,
      CATALOG, APP, CONSUMER_ORG, CONNECT_TIMEOUT, REQUEST_TIMEOUT, CREATE_DEADLINE, TRUST_STORE,
      TRUST_STORE_PASSWORD);
}
