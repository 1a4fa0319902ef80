package dev.dynsecret;

import java.util.Objects;

/**
 * A credential that a provider made for a lease and can still see in the external system, as
 * {@link dev.dynsecret.spi.CredentialListing#list()} reports it for the orphan sweep.
 *
 * @param leaseId the lease the credential was made for, read back from its deterministic name
 * @param externalId the system's id for the credential, enough to delete it
 * @param name the credential's name in the system (for example {@code dynsecret-<lease id>})
 */
public record ListedCredential(String leaseId, String externalId, String name) {
  /**
   * Checks required components.
   *
   * @param leaseId the lease the credential was made for, read back from its deterministic name
   * @param externalId the system's id for the credential, enough to delete it
   * @param name the credential's name in the system (for example {@code dynsecret-<lease id>})
   */
  public ListedCredential {
    Objects.requireNonNull(leaseId, "leaseId");
    Objects.requireNonNull(externalId, "externalId");
    Objects.requireNonNull(name, "name");
  }
}
