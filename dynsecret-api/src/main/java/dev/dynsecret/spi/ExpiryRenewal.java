package dev.dynsecret.spi;

import dev.dynsecret.Lease;
import java.time.Instant;

/**
 * Moves a credential's own expiry: the optional ability of {@link ProviderConnection#renewal()},
 * for systems whose credentials expire by themselves. Called before a renewal is recorded; if it
 * throws, the renewal is not recorded.
 */
@FunctionalInterface
public interface ExpiryRenewal {
  /**
   * Extends the lease's credential.
   *
   * @param lease the lease as it is before the renewal
   * @param newExpiry the expiry the lease will have once renewed
   */
  void renew(Lease lease, Instant newExpiry);
}
