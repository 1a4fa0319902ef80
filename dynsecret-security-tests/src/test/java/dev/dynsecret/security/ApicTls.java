package dev.dynsecret.security;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Collections;

/** Trust stores for the TLS tests: PKCS#12 files holding chosen certificates. */
final class ApicTls {
  private ApicTls() {}

  /** Writes a PKCS#12 trust store holding {@code certificate}, protected by {@code password}. */
  static Path trustStore(Path file, String password, Certificate certificate) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setCertificateEntry("trusted", certificate);
    try (OutputStream out = Files.newOutputStream(file)) {
      store.store(out, password.toCharArray());
    }
    return file;
  }

  /** A trust store holding one of the JDK's CA certificates: valid, but trusting no simulator. */
  static Path trustStore(Path file, String password) throws Exception {
    return trustStore(file, password, jdkCertificate());
  }

  static Certificate jdkCertificate() throws Exception {
    Path cacerts = Path.of(System.getProperty("java.home"), "lib", "security", "cacerts");
    KeyStore jdk = KeyStore.getInstance(cacerts.toFile(), (char[]) null);
    for (String alias : Collections.list(jdk.aliases())) {
      if (jdk.isCertificateEntry(alias)) {
        return jdk.getCertificate(alias);
      }
    }
    throw new IllegalStateException("the JDK's cacerts holds no certificate");
  }
}
