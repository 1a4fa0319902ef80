package dev.dynsecret.spi;

import dev.dynsecret.Lease;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Which credential a {@link ProviderConnection#revoke} or {@link CredentialLookup#find} call is
 * about. Carries nothing secret.
 *
 * @param leaseId the lease the credential was made for; its deterministic name derives from it
 * @param secretName the dynamic secret the lease belongs to
 * @param externalId the system's id for the credential, or null when it was never recorded (a
 *     create whose answer was lost)
 * @param metadata the non-secret details the provider recorded at create, empty when unknown
 */
public record CredentialRef(
    String leaseId, String secretName, @Nullable String externalId, Map<String, String> metadata) {

  /**
   * Checks required components and copies metadata.
   *
   * @param leaseId the lease the credential was made for; its deterministic name derives from it
   * @param secretName the dynamic secret the lease belongs to
   * @param externalId the system's id for the credential, or null when it was never recorded (a
   *     create whose answer was lost)
   * @param metadata the non-secret details the provider recorded at create, empty when unknown
   */
  public CredentialRef {
    Objects.requireNonNull(leaseId, "leaseId");
    Objects.requireNonNull(secretName, "secretName");
    metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
  }

  /**
   * The credential of {@code lease}.
   *
   * @param lease the lease
   * @return its id, secret name, external id and metadata
   */
  public static CredentialRef of(Lease lease) {
    return new CredentialRef(lease.id(), lease.secretName(), lease.externalId(), lease.metadata());
  }

  /**
   * The same credential with its external id known.
   *
   * @param externalId the system's id for it
   * @return a copy with {@code externalId}
   */
  public CredentialRef withExternalId(String externalId) {
    return new CredentialRef(leaseId, secretName, Objects.requireNonNull(externalId, "externalId"),
        metadata);
  }
}
