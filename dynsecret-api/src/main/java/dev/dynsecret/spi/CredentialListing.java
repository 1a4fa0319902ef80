package dev.dynsecret.spi;

import dev.dynsecret.ListedCredential;
import java.util.List;

/**
 * Lists the credentials a provider made: the optional ability of {@link
 * ProviderConnection#listing()}, used by the orphan sweep. Read-only.
 */
@FunctionalInterface
public interface CredentialListing {
  /**
   * Lists every credential this provider made in the connection's target (for example every
   * {@code dynsecret-<lease id>} credential of one application), whether a lease still tracks it
   * or not. Credentials the provider did not make (other names) must not be listed.
   *
   * @return the provider's credentials, each with the lease id read from its name
   */
  List<ListedCredential> list();
}
