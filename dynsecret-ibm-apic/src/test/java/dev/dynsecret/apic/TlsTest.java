package dev.dynsecret.apic;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.dynsecret.apic.Apic.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.dynsecret.DefinitiveProviderException;
import dev.dynsecret.ProviderConfig;
import dev.dynsecret.buildsupport.SecretsUsed;
import java.io.FileInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import dev.dynsecret.spi.ProviderConnection;

/**
 * Real TLS against a server whose certificate comes from a "private CA" (a self-signed one made
 * with the JDK's keytool): untrusted by default, trusted through {@code trustStore} or a custom
 * {@link SSLContext}.
 */
class TlsTest {
  private static final String PASSWORD = SecretsUsed.declare("test-store-pw");
  @TempDir static Path dir;
  private static Path keyStore;
  private static WireMockServer server;

  static Path jdkCacerts() {
    return Path.of(System.getProperty("java.home"), "lib", "security", "cacerts");
  }

  @BeforeAll
  static void startHttpsServer() throws Exception {
    keyStore = dir.resolve("server.p12");
    Process keytool = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
        "-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048",
        "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2",
        "-storetype", "PKCS12", "-keystore", keyStore.toString(),
        "-storepass", PASSWORD, "-keypass", PASSWORD)
        .redirectErrorStream(true).start();
    String output = new String(keytool.getInputStream().readAllBytes());
    if (!keytool.waitFor(60, TimeUnit.SECONDS) || keytool.exitValue() != 0
        || !Files.exists(keyStore)) {
      throw new IllegalStateException("keytool failed: " + output);
    }
    server = new WireMockServer(wireMockConfig().httpDisabled(true).dynamicHttpsPort()
        .keystorePath(keyStore.toString()).keystoreType("PKCS12")
        .keystorePassword(PASSWORD).keyManagerPassword(PASSWORD));
    server.start();
    server.stubFor(post(urlEqualTo("/api/token"))
        .willReturn(okJson(Apic.tokenJson(Apic.TOKEN, 28800))));
    server.stubFor(post(urlEqualTo(Apic.CREDENTIALS)).willReturn(Apic.created(201)));
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.stop();
    }
  }

  private static ProviderConfig.Builder config() {
    return ProviderConfig.builder()
        .put("url", "https://localhost:" + server.httpsPort())
        .put("apiKey", Apic.API_KEY).put("clientId", Apic.CLIENT_ID)
        .put("clientSecret", Apic.CLIENT_SECRET).put("org", Apic.ORG)
        .put("catalog", Apic.CATALOG).put("app", Apic.APP).put("consumerOrg", Apic.CONSUMER_ORG);
  }

  private static String createWith(ApiConnectProvider provider, ProviderConfig config) {
    ProviderConnection handle = provider.connect(config);
    try {
      return handle.create(Apic.lease()).externalId();
    } finally {
      handle.close();
    }
  }

  @Test
  void privateCaIsNotTrustedByDefaultAndTheMessageSaysWhatToDo() {
    DefinitiveProviderException e = assertThrows(DefinitiveProviderException.class,
        () -> createWith(new ApiConnectProvider(), config().build()));

    assertContains(e.getMessage(), "is not trusted");
    assertContains(e.getMessage(), "set trustStore or give the provider an SSLContext");
  }

  @Test
  void trustStoreKeyTrustsThePrivateCa() {
    String id = createWith(new ApiConnectProvider(), config()
        .put("trustStore", keyStore.toString()).put("trustStorePassword", PASSWORD).build());

    assertEquals("cred-id-1", id);
  }

  @Test
  void sslContextGivenToTheBuilderTrustsThePrivateCa() throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    try (InputStream in = new FileInputStream(keyStore.toFile())) {
      trust.load(in, PASSWORD.toCharArray());
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, tmf.getTrustManagers(), null);

    String id = createWith(ApiConnectProvider.builder().sslContext(ssl).build(), config().build());

    assertEquals("cred-id-1", id);
  }
}
