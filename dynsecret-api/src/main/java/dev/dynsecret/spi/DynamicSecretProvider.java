package dev.dynsecret.spi;

import dev.dynsecret.DefinitiveProviderException;
import dev.dynsecret.InvalidRequestException;
import dev.dynsecret.Lease;
import dev.dynsecret.TransientProviderException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Makes and deletes credentials in one external system. This is the interface to implement to
 * support a new kind of dynamic secret.
 *
 * <p>A provider is a stateless factory, found by {@link #type()}: registered explicitly with
 * {@link dev.dynsecret.LeaseManager.Builder#provider}, or discovered through {@link
 * java.util.ServiceLoader} (it then needs a public no-argument constructor). For each dynamic
 * secret the engine calls {@link #connect} once; the returned handle (an HTTP client, a token
 * cache, a connection pool — whatever the system needs) is passed to every later call for that
 * secret and handed to {@link #close} when the secret is removed or replaced.
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
 * @param <C> the per-secret handle this provider builds from a configuration
 */
public interface DynamicSecretProvider<C> {

  /** The type name definitions use to pick this provider, e.g. {@code ibm-api-connect}. */
  String type();

  /**
   * Checks a configuration and builds the handle later calls receive. Must not call the external
   * system (that is {@link #verify}'s job), so a definition can be registered while it is down.
   *
   * @throws InvalidRequestException naming the first missing or malformed field
   */
  C connect(ProviderConfig config);

  /**
   * Creates a credential for a lease that is recorded as pending. The credential must be named
   * deterministically from {@link Lease#id()} so that {@link #find} can locate it if the answer
   * is lost. If a credential of that name exists already it came from an earlier attempt whose
   * answer was lost; replace it, so the caller always gets working secret data.
   */
  CreatedCredential create(C handle, Lease lease);

  /**
   * Deletes the lease's credential. Idempotent: a credential that is already gone is success.
   * {@link Lease#externalId()} may be null when the create's answer was lost; then delete by the
   * deterministic name.
   */
  void revoke(C handle, Lease lease);

  /**
   * Called before a renewal is recorded, for systems whose credentials carry their own expiry.
   * The default does nothing.
   *
   * @param newExpiry the expiry the lease will have once renewed
   */
  default void renew(C handle, Lease lease, Instant newExpiry) {}

  /**
   * Looks the lease's credential up by its deterministic name, for reconciliation after a crash.
   *
   * @return the credential's external id, or empty if no such credential exists
   */
  Optional<String> find(C handle, Lease lease);

  /**
   * Lists every credential this provider made in the handle's target (for example every
   * {@code dynsecret-<lease id>} credential of one application), whether a lease still tracks it
   * or not, so that the engine's orphan sweep can delete those that no lease tracks. Credentials
   * the provider did not make (other names) must not be listed. Read-only.
   *
   * <p>The default throws {@link UnsupportedOperationException}: a provider that cannot list
   * cannot be swept, and {@link dev.dynsecret.LeaseManager#sweepOrphans} reports that.
   *
   * @return the provider's credentials, each with the lease id read from its name
   */
  default List<ManagedCredential> list(C handle) {
    throw new UnsupportedOperationException("provider " + type() + " (" + getClass().getName()
        + ") cannot list its credentials");
  }

  /**
   * Checks that the configuration works: the system is reachable, the credentials are accepted,
   * and the target (application, database) exists with the permissions needed. The exception's
   * message says which step failed.
   */
  void verify(C handle);

  /** Releases what {@link #connect} built. The default does nothing. */
  default void close(C handle) {}
}
