package dev.dynsecret.testkit;

import dev.dynsecret.Lease;
import dev.dynsecret.SecretData;
import java.time.Instant;
import java.util.Optional;

/**
 * The external system a provider manages, seen directly by a test rather than through the
 * provider: {@link ProviderContract} uses it to check what the provider really did. Implement the
 * two required methods with the system's own tools (an admin API, a SQL query, a login); the
 * optional hooks switch on further contract tests, which are skipped while a hook answers that it
 * is unsupported.
 */
public interface ProviderTarget {

  /**
   * Whether the system holds a credential for {@code lease} right now, found by the deterministic
   * name the provider gives it (for example {@code dynsecret-<lease id>}), not through the
   * connection's lookup.
   *
   * @param lease a lease of the contract; its external id may be null
   * @return true if the credential exists, even if it is disabled
   */
  boolean credentialExists(Lease lease);

  /**
   * Whether the system accepts {@code secretData}: logs in, authenticates, validates the client
   * credentials, whatever "the secret works" means for it.
   *
   * @param secretData what the provider's create returned
   * @return false if the system rejects them; throw if the question cannot be answered (the
   *     system is down), so an outage is not mistaken for a rejection
   */
  boolean accepts(SecretData secretData);

  /**
   * The expiry the system itself enforces for the lease's credential, for systems whose
   * credentials carry one (a database role's {@code VALID UNTIL}); the contract then checks that
   * create sets it to the lease's expiry and renew moves it.
   *
   * @param lease a lease whose credential exists
   * @return the expiry; {@link Instant#MAX} for a credential set never to expire (so that a
   *     provider which forgot to set one fails the check); empty only when the system's
   *     credentials have no expiry at all (the default), which skips the expiry checks
   */
  default Optional<Instant> enforcedExpiry(Lease lease) {
    return Optional.empty();
  }

  /**
   * Deletes the lease's credential behind the provider's back, as an administrator could.
   *
   * @param lease a lease whose credential exists
   * @return false if this target cannot (the default); the test that needs it is skipped
   */
  default boolean deleteOutOfBand(Lease lease) {
    return false;
  }

  /**
   * Makes at least the next call of {@code operation} fail as {@code failure} describes, until
   * {@link #clearFailures()}. Other calls may fail too meanwhile; the contract makes none.
   *
   * @param operation the call to fail
   * @param failure how it fails
   * @return false if the system cannot be made to fail so (the default); the test is skipped
   */
  default boolean induceFailure(Operation operation, Failure failure) {
    return false;
  }

  /**
   * Undoes every {@link #induceFailure}. Called after each contract test, whether or not a
   * failure was induced or used.
   */
  default void clearFailures() {}

  /** A provider call that {@link #induceFailure} can make fail. */
  enum Operation {
    /** {@code ProviderConnection.create}. */
    CREATE,
    /** {@code ProviderConnection.revoke}. */
    REVOKE
  }

  /** How a call fails. */
  enum Failure {
    /**
     * A failure that passes: the system is overloaded, restarting, unreachable for a moment. The
     * provider must throw a {@link dev.dynsecret.ProviderException} whose {@code isTransient()}
     * is true, and must not have changed anything.
     */
    TRANSIENT,
    /**
     * A failure that retrying cannot cure: the provider's account lacks a permission. The
     * provider must throw a {@link dev.dynsecret.ProviderException} whose {@code isTransient()}
     * is false, and must not have changed anything.
     */
    DEFINITIVE,
    /**
     * The call takes effect but its answer never reaches the provider (a dropped connection or a
     * gateway error after the system acted). Only meaningful for {@link Operation#CREATE}: the
     * credential exists though the caller never learned its secret, the case reconciliation
     * exists for.
     */
    ANSWER_LOST
  }
}
