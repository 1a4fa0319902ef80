package dev.dynsecret.spi;

import dev.dynsecret.DefinitiveProviderException;
import dev.dynsecret.Lease;
import dev.dynsecret.TransientProviderException;
import java.util.Optional;

/**
 * A provider bound to one dynamic secret's configuration (an HTTP client and token cache, a
 * connection pool — whatever the system needs), built by {@link DynamicSecretProvider#connect}.
 * The engine makes every call for that secret here.
 *
 * <p>Contract for every method:
 *
 * <ul>
 *   <li>Throw {@link TransientProviderException} for failures worth retrying (timeouts, dropped
 *       connections, rate limits, 5xx) and {@link DefinitiveProviderException} for those that can
 *       never succeed as asked. Any other runtime exception is treated as transient.
 *   <li>Never put secret values (the configuration's credentials, tokens, the generated secret)
 *       into a log line, an exception message or a {@code toString()}.
 *   <li>Be safe to call from many threads at once.
 * </ul>
 *
 * <p>Abilities that not every system has are declared by the optional accessors {@link #lookup()},
 * {@link #listing()} and {@link #renewal()}: a connection that returns empty simply does not have
 * that ability, and the engine works around it as each accessor describes. Nothing is discovered by
 * catching exceptions.
 *
 * <p><b>Evolution:</b> methods added to this interface after the first release come with a default
 * that keeps existing providers compiling and behaving as before; a new optional ability is a new
 * accessor returning {@link Optional#empty()} by default.
 */
public interface ProviderConnection extends AutoCloseable {

  /**
   * Creates a credential for a lease that is recorded as pending. The credential must be named
   * deterministically from {@link Lease#id()} so that it can be found (by {@link #lookup()}) or
   * deleted (by {@link #revoke}) if the answer is lost. If a credential of that name exists already
   * it came from an earlier attempt whose answer was lost; replace it, so the caller always gets
   * working secret data.
   *
   * @param lease the pending lease: id, secret name, creation time, expiry and hard limit
   * @return the credential's external id, its secret data and non-secret metadata
   */
  CreatedCredential create(Lease lease);

  /**
   * Deletes a lease's credential. Idempotent: a credential that is already gone is success. {@link
   * CredentialRef#externalId()} is absent when the create's answer was lost; then delete by the
   * deterministic name.
   *
   * @param credential which credential: lease id, and the external id when known
   */
  void revoke(CredentialRef credential);

  /**
   * Checks that the configuration works: the system is reachable, the credentials are accepted,
   * and the target (application, database) exists with the permissions needed. The exception's
   * message says which step failed.
   */
  void verify();

  /**
   * Finding a credential by its deterministic name, used by reconciliation after a crash to learn
   * the external id of a credential whose create answer was lost. Without it, reconciliation calls
   * {@link #revoke} with no external id, which must then delete by name. Default: none.
   *
   * @return the lookup, if this system can look credentials up by name
   */
  default Optional<CredentialLookup> lookup() {
    return Optional.empty();
  }

  /**
   * Listing every credential this provider made in the connection's target, for the orphan
   * sweep. Without it, {@link dev.dynsecret.LeaseManager#sweepOrphans} reports the secret as not
   * sweepable. Default: none.
   *
   * @return the listing, if this system can list its credentials
   */
  default Optional<CredentialListing> listing() {
    return Optional.empty();
  }

  /**
   * Moving a credential's own expiry when its lease is renewed, for systems whose credentials
   * carry one (a database role's {@code VALID UNTIL}). Without it, a renewal is recorded by the
   * engine only. Default: none.
   *
   * @return the renewal, if this system's credentials expire by themselves
   */
  default Optional<ExpiryRenewal> renewal() {
    return Optional.empty();
  }

  /** Releases what {@link DynamicSecretProvider#connect} built. The default does nothing. */
  @Override
  default void close() {}
}
