package dev.dynsecret.spi;

import dev.dynsecret.SecretData;
import java.util.Map;
import java.util.Objects;

/**
 * What a provider returns from {@link ProviderConnection#create}.
 *
 * @param externalId the system's id for the credential, stored on the lease to revoke it later
 * @param secretData what the caller receives; never stored
 * @param metadata non-secret details to keep on the lease (for example the credential's name)
 */
public record CreatedCredential(String externalId, SecretData secretData, Map<String, String> metadata) {
  /**
   * Checks required components and copies collections.
   *
   * @param externalId the system's id for the credential, stored on the lease to revoke it later
   * @param secretData what the caller receives; never stored
   * @param metadata non-secret details to keep on the lease (for example the credential's name)
   */
  public CreatedCredential {
    Objects.requireNonNull(externalId, "externalId");
    Objects.requireNonNull(secretData, "secretData");
    metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
  }

  /**
   * A credential with no metadata.
   *
   * @param externalId the provider's id for the credential, which revocation is given back
   * @param secretData the credential for the caller
   */
  public CreatedCredential(String externalId, SecretData secretData) {
    this(externalId, secretData, Map.of());
  }
}
