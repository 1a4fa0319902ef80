package dev.dynsecret;

/**
 * Hears every change to a {@link ManagedCredential}: the first lease, each renewal and rotation,
 * the old credential revoked after the overlap, failed attempts, the warning that it is about to
 * run out without a replacement, and the recovery. Register it with {@link
 * ManagedCredential.Options#listener(CredentialListener)}.
 *
 * <p>Listeners are called on the credential's listener executor ({@link
 * ManagedCredential.Options#listenerExecutor}), one event at a time and in order, never on the
 * lease manager's threads: slow listener code delays only later events, never a renewal or a
 * rotation. One that throws is logged and ignored.
 *
 * <pre>{@code
 * ManagedCredential.options().listener(event -> {
 *   if (event.type() == CredentialEvent.Type.ROTATED) {
 *     reconfigure(event.secretData());   // e.g. a pool's new connections use the new credential
 *   }
 * });
 * }</pre>
 */
@FunctionalInterface
public interface CredentialListener {
  /**
   * Called once per change, in the order the changes happened.
   *
   * @param event what changed, with the credential to use now
   */
  void onEvent(CredentialEvent event);
}
