package dev.dynsecret.spi;

import java.util.Optional;

/**
 * Finds a lease's credential by its deterministic name: the optional ability of {@link
 * ProviderConnection#lookup()}. Read-only.
 */
@FunctionalInterface
public interface CredentialLookup {
  /**
   * Looks the credential up by the name derived from {@link CredentialRef#leaseId()}.
   *
   * @param credential the credential to find; its external id is not known
   * @return the credential's external id, or empty if no such credential exists
   */
  Optional<String> find(CredentialRef credential);
}
