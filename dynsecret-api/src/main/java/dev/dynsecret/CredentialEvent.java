package dev.dynsecret;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One change to a {@link ManagedCredential}, as a {@link CredentialListener} hears it.
 *
 * <p>Every event carries the credential to use <em>now</em> ({@link #current()}), so a listener
 * can simply reconfigure its client with {@link #secretData()} whatever the type. {@link
 * #toString()} shows no secret data.
 *
 * @param type what happened
 * @param secretName the dynamic secret the credential belongs to
 * @param at when it happened, by the lease manager's clock
 * @param current the credential in use after the change: its lease and secret data
 * @param previous for {@link Type#ROTATED}, the lease that was replaced; for {@link
 *     Type#PREVIOUS_REVOKED}, the lease that was revoked; otherwise null
 * @param nextAttemptAt for {@link Type#RENEWAL_FAILED}, when the next attempt is due; otherwise
 *     null
 * @param problem for {@link Type#RENEWAL_FAILED}, {@link Type#EXPIRING} and {@link Type#EXPIRED},
 *     the last failure as text without secrets; otherwise null
 */
public record CredentialEvent(
    Type type,
    String secretName,
    Instant at,
    CreatedLease current,
    @Nullable Lease previous,
    @Nullable Instant nextAttemptAt,
    @Nullable String problem) {

  /** What happened to the managed credential. */
  public enum Type {
    /** The first lease was created; {@link #current()} is the credential to use. */
    CREATED,
    /** The lease in use was renewed: same credential, later expiry. */
    RENEWED,
    /**
     * A new credential replaced the one in use; {@link #current()} is the new one. The old one
     * ({@link #previous()}) stays valid for the overlap, then is revoked.
     */
    ROTATED,
    /** The replaced credential ({@link #previous()}) was revoked after the overlap. */
    PREVIOUS_REVOKED,
    /**
     * A renewal or rotation failed; it is tried again at {@link #nextAttemptAt()}. The credential
     * in use stays valid until its lease's expiry.
     */
    RENEWAL_FAILED,
    /**
     * The credential in use expires within the warning period and no replacement could be made
     * yet. Logged at WARN. Sent once per credential.
     */
    EXPIRING,
    /**
     * The credential in use has expired and no replacement could be made: the application has no
     * working credential until {@link #RECOVERED}. Logged at ERROR.
     */
    EXPIRED,
    /** A renewal or rotation succeeded after failures; {@link #current()} is valid again. */
    RECOVERED,
    /**
     * The managed credential was closed; {@link #current()} is the last credential, revoked or
     * left to expire as configured. No event follows.
     */
    CLOSED
  }

  /**
   * Checks required components.
   *
   * @param type what happened
   * @param secretName the dynamic secret the credential belongs to
   * @param at when it happened, by the lease manager's clock
   * @param current the credential in use after the change: its lease and secret data
   * @param previous for {@link Type#ROTATED}, the lease that was replaced; for {@link
   *     Type#PREVIOUS_REVOKED}, the lease that was revoked; otherwise null
   * @param nextAttemptAt for {@link Type#RENEWAL_FAILED}, when the next attempt is due; otherwise
   *     null
   * @param problem for {@link Type#RENEWAL_FAILED}, {@link Type#EXPIRING} and {@link Type#EXPIRED},
   *     the last failure as text without secrets; otherwise null
   */
  public CredentialEvent {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(secretName, "secretName");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(current, "current");
  }

  /** {@return the secret data to use now: {@code current().secretData()}} */
  public SecretData secretData() {
    return current.secretData();
  }

  /** Type, secret, time and lease ids only: never the secret data. */
  @Override
  public String toString() {
    return "CredentialEvent[" + type + ", secret=" + secretName + ", at=" + at + ", lease="
        + current.lease().id() + (previous == null ? "" : ", previous=" + previous.id())
        + (nextAttemptAt == null ? "" : ", nextAttemptAt=" + nextAttemptAt)
        + (problem == null ? "" : ", problem=" + problem) + "]";
  }
}
