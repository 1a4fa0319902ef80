package dev.dynsecret.apic.simulator.internal;

import java.io.IOException;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The simulator's self-signed TLS identity (CN=localhost, SAN localhost and 127.0.0.1), shipped as
 * a PKCS#12 resource made once with {@code keytool}, since no portable JDK API makes a certificate
 * at run time. It protects nothing: its password is public and it is trusted only by clients that
 * take {@link #clientContext()}.
 */
public final class TlsMaterial {
  private static final String RESOURCE = "/dev/dynsecret/apic/simulator/simulator-keystore.p12";
  private static final String ALIAS = "apic-simulator";
  private static final char[] PASSWORD = "changeit".toCharArray();

  private final SSLContext serverContext;
  private final SSLContext clientContext;
  private final X509Certificate certificate;

  private TlsMaterial(SSLContext server, SSLContext client, X509Certificate certificate) {
    this.serverContext = server;
    this.clientContext = client;
    this.certificate = certificate;
  }

  public static TlsMaterial load() {
    try (InputStream in = TlsMaterial.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + RESOURCE);
      }
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(in, PASSWORD);
      X509Certificate certificate = (X509Certificate) keys.getCertificate(ALIAS);

      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, PASSWORD);
      SSLContext server = SSLContext.getInstance("TLS");
      server.init(kmf.getKeyManagers(), null, null);

      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      trust.setCertificateEntry(ALIAS, certificate);
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext client = SSLContext.getInstance("TLS");
      client.init(null, tmf.getTrustManagers(), null);
      return new TlsMaterial(server, client, certificate);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot load the simulator's TLS key store", e);
    }
  }

  public SSLContext serverContext() {
    return serverContext;
  }

  /** An {@link SSLContext} that trusts the simulator's certificate and nothing else. */
  public SSLContext clientContext() {
    return clientContext;
  }

  public X509Certificate certificate() {
    return certificate;
  }
}
