package dev.dynsecret.benchmarks;

import dev.dynsecret.Lease;
import dev.dynsecret.ProviderConfig;
import dev.dynsecret.SecretData;
import dev.dynsecret.spi.CreatedCredential;
import dev.dynsecret.spi.CredentialRef;
import dev.dynsecret.spi.DynamicSecretProvider;
import dev.dynsecret.spi.ProviderConnection;
import java.util.Map;

/**
 * An in-process provider that does nothing: what remains of a lease's cost with it is the
 * library's own (engine and store). Its credential mimics the APIC provider's shape (an external
 * id and a credential-name metadata entry) so stored leases weigh what real ones do.
 */
public final class NoopProvider implements DynamicSecretProvider {
  public static final String TYPE = "noop";
  private static final SecretData DATA = SecretData.of("CLIENT_ID", "id", "CLIENT_SECRET", "secret");

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public ProviderConnection connect(ProviderConfig config) {
    return new ProviderConnection() {
      @Override
      public CreatedCredential create(Lease lease) {
        return new CreatedCredential(ExpiryFigures.uuid(), DATA,
            Map.of("credentialName", "dynsecret-" + lease.id()));
      }

      @Override
      public void revoke(CredentialRef credential) {}

      @Override
      public void verify() {}
    };
  }
}
