package dev.dynsecret.buildsupport;

import dev.dynsecret.testkit.IssuedSecrets;

/**
 * Records every secret value the test kit's tools issue ({@code RecordingProvider}, the APIC
 * simulator) with {@link SecretsUsed}. Registered as a {@link java.util.ServiceLoader} service, so
 * any module with this one on its test class path records them without a line of code.
 */
public final class RecordIssuedSecrets implements IssuedSecrets.Observer {
  @Override
  public void issued(String value) {
    SecretsUsed.record(value);
  }
}
