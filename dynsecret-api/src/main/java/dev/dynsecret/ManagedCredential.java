package dev.dynsecret;

import dev.dynsecret.internal.CredentialKeeper;
import dev.dynsecret.internal.Durations;
import dev.dynsecret.internal.ManagedSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A credential that stays valid while the application runs: the lease manager renews its lease
 * ahead of expiry and, when the lease's hard limit ({@code createdAt + maxTtl}) comes near,
 * rotates it — creates a new lease, hands its secret data to the application, keeps the old
 * credential valid for an overlap so requests in flight finish, then revokes the old one.
 *
 * <pre>{@code
 * ManagedCredential credential = leases.manage("orders-api", ManagedCredential.options()
 *     .renewAt(0.66)                          // renew when two thirds of the TTL have passed
 *     .overlap(Duration.ofMinutes(2))         // the old credential outlives a rotation by 2 min
 *     .listener(event -> log.info("credential {}", event.type())));
 * leases.start();                             // background renewals and rotations
 *
 * SecretData now = credential.get();          // read it per request, or keep the event's data
 * }</pre>
 *
 * <p>The first lease is created <em>eagerly</em>, before {@link LeaseManager#manage} returns, so a
 * misconfiguration (unknown secret, unreachable provider, rejected credentials) fails the call
 * instead of surfacing later on a request path; {@link #get()} never waits.
 *
 * <p>Renewals and rotations are done by {@link LeaseManager#processDue()} and so by the manager's
 * background work once {@link LeaseManager#start() started}, at times taken from the manager's
 * clock. A renewal or rotation that fails is retried with exponential backoff while the current
 * credential is served; if it is about to run out without a replacement, an {@link
 * CredentialEvent.Type#EXPIRING} event is sent and a WARN logged. Every change reaches the {@link
 * CredentialListener}s on their own executor.
 *
 * <p>Secret data is held in memory only (never written to the lease store) and never logged;
 * {@link #toString()} shows the lease id only. Safe to use from many threads.
 */
public final class ManagedCredential implements Supplier<SecretData>, AutoCloseable {
  private final CredentialKeeper keeper;

  ManagedCredential(CredentialKeeper keeper) {
    this.keeper = keeper;
  }

  /** {@return options with every default; see {@link Options}} */
  public static Options options() {
    return Options.DEFAULTS;
  }

  /** {@return the dynamic secret whose leases this credential is made of} */
  public String secretName() {
    return keeper.secretName();
  }

  /**
   * {@return the credential to use now: its lease (as of the last renewal) and its secret data}
   * After a
   * rotation this is the new credential at once. If renewal and rotation failed until the lease
   * expired,
   * this is still the last credential (see {@link Lease#expiresAt()} and the {@link
   * CredentialEvent.Type#EXPIRED} event).
   *
   * @throws ManagerClosedException once this credential or its manager is closed
   */
  public CreatedLease current() {
    return keeper.current();
  }

  /**
   * The secret data to use now: {@code current().secretData()}. Reading it costs a volatile read,
   * so call it for each request rather than caching the value.
   *
   * @throws ManagerClosedException once this credential or its manager is closed
   */
  @Override
  public SecretData get() {
    return keeper.current().secretData();
  }

  /**
   * {@return the lease in use now: {@code current().lease()}}
   *
   * @throws ManagerClosedException once this credential or its manager is closed
   */
  public Lease lease() {
    return keeper.current().lease();
  }

  /** {@return whether {@link #close()} (or the manager's close) has been called} */
  public boolean isClosed() {
    return keeper.isClosed();
  }

  /**
   * Stops managing: the old credential of a rotation still in its overlap is revoked, and the
   * current one too, unless {@link Options#revokeOnClose(boolean)} said to leave it to expire. A
   * {@link CredentialEvent.Type#CLOSED} event is the last one sent. A revocation that fails is
   * retried by the manager's background work, as for any lease. Closing again does nothing;
   * closing the {@link LeaseManager} closes every managed credential.
   */
  @Override
  public void close() {
    keeper.close();
  }

  @Override
  public String toString() {
    return keeper.toString();
  }

  /**
   * How a {@link ManagedCredential} renews, rotates and reports. Immutable: each method returns a
   * changed copy, so one set of options can be shared. Each method checks its own value and throws
   * {@link InvalidRequestException} naming the option; rules that depend on the dynamic secret
   * (the TTL against its max TTL, the overlap against the renewal point) are checked by {@link
   * LeaseManager#manage}.
   *
   * <p>Defaults: the secret's default TTL; renew when 2/3 of the TTL have passed, up to 10% of
   * that earlier at random; an overlap of half the time left at the renewal point, at most 5
   * minutes; warn 5 minutes (at most the time left at the renewal point) before the credential
   * runs out; retries after 1 s doubling to 1 min; revoke on close; listeners called on one
   * daemon thread per credential.
   */
  public static final class Options {
    static final Options DEFAULTS = new Options(null, 2.0 / 3.0, null, 0.1, null, null,
        Duration.ofSeconds(1), Duration.ofMinutes(1), true, null, List.of());

    private final @Nullable Duration ttl;
    private final double renewAt;
    private final @Nullable Duration renewBefore;
    private final double jitter;
    private final @Nullable Duration overlap;
    private final @Nullable Duration warnBefore;
    private final Duration retryFirst;
    private final Duration retryMax;
    private final boolean revokeOnClose;
    private final @Nullable Executor listenerExecutor;
    private final List<CredentialListener> listeners;

    private Options(@Nullable Duration ttl, double renewAt, @Nullable Duration renewBefore,
        double jitter, @Nullable Duration overlap, @Nullable Duration warnBefore,
        Duration retryFirst, Duration retryMax, boolean revokeOnClose,
        @Nullable Executor listenerExecutor, List<CredentialListener> listeners) {
      this.ttl = ttl;
      this.renewAt = renewAt;
      this.renewBefore = renewBefore;
      this.jitter = jitter;
      this.overlap = overlap;
      this.warnBefore = warnBefore;
      this.retryFirst = retryFirst;
      this.retryMax = retryMax;
      this.revokeOnClose = revokeOnClose;
      this.listenerExecutor = listenerExecutor;
      this.listeners = List.copyOf(listeners);
    }

    /**
     * {@return the TTL of each lease and each renewal; at most the secret's max TTL} Default: the
     * secret's
     * default TTL.
     *
     * @param ttl the TTL of each lease and each renewal; at most the secret's max TTL
     * @throws InvalidRequestException if not positive
     */
    public Options ttl(Duration ttl) {
      requirePositive("ttl", ttl);
      return new Options(ttl, renewAt, renewBefore, jitter, overlap, warnBefore, retryFirst,
          retryMax, revokeOnClose, listenerExecutor, listeners);
    }

    /**
     * Renew (or rotate) when this fraction of the lease's current term has passed; 0.66 renews a
     * 1-hour lease after about 40 minutes. Replaces {@link #renewBefore}. Default 2/3.
     *
     * @param fraction the share of the term, above 0 and below 1
     * @return the options with this change
     * @throws InvalidRequestException unless strictly between 0 and 1
     */
    public Options renewAt(double fraction) {
      if (!(fraction > 0 && fraction < 1)) {
        throw new InvalidRequestException("renewAt",
            "must be a fraction of the TTL strictly between 0 and 1; was " + fraction);
      }
      return new Options(ttl, fraction, null, jitter, overlap, warnBefore, retryFirst, retryMax,
          revokeOnClose, listenerExecutor, listeners);
    }

    /**
     * Renew (or rotate) this long before the lease expires; shorter than the TTL. Replaces {@link
     * #renewAt}.
     *
     * @param margin how long before expiry to renew
     * @return the options with this change
     * @throws InvalidRequestException if not positive
     */
    public Options renewBefore(Duration margin) {
      requirePositive("renewBefore", margin);
      return new Options(ttl, renewAt, margin, jitter, overlap, warnBefore, retryFirst, retryMax,
          revokeOnClose, listenerExecutor, listeners);
    }

    /**
     * {@return how much earlier than the renewal point a renewal may happen, at random, as a
     * fraction of
     * the time from the lease's last renewal to that point; spreads the renewals of many
     * application
     * instances so they do not all call the provider in the same second} 0 turns it off. Default
     * 0.1.
     *
     * @param fraction the share of the term, above 0 and below 1
     * @throws InvalidRequestException unless at least 0 and below 1
     */
    public Options jitter(double fraction) {
      if (!(fraction >= 0 && fraction < 1)) {
        throw new InvalidRequestException("jitter",
            "must be at least 0 and below 1; was " + fraction);
      }
      return new Options(ttl, renewAt, renewBefore, fraction, overlap, warnBefore, retryFirst,
          retryMax, revokeOnClose, listenerExecutor, listeners);
    }

    /**
     * {@return how long the old credential stays valid after a rotation hands out the new one, so
     * that
     * requests in flight (and connections opened with it) finish; then it is revoked} Must be
     * shorter than
     * the time left at the renewal point. Default: half that time, at most 5 min.
     *
     * @param overlap how long the old credential stays valid after a rotation hands out the new
     *     one, so that requests in flight (and connections opened with it) finish; then it is
     *     revoked
     * @throws InvalidRequestException if negative
     */
    public Options overlap(Duration overlap) {
      if (overlap == null || overlap.isNegative()) {
        throw new InvalidRequestException("overlap", "must be zero or positive; was " + overlap);
      }
      return new Options(ttl, renewAt, renewBefore, jitter, overlap, warnBefore, retryFirst,
          retryMax, revokeOnClose, listenerExecutor, listeners);
    }

    /**
     * While renewal or rotation keeps failing, how long before the credential in use expires the
     * {@link CredentialEvent.Type#EXPIRING} warning is sent and logged. Default 5 min, at most the
     * time left at the renewal point.
     *
     * @param warnBefore how long before expiry to warn
     * @return the options with this change
     * @throws InvalidRequestException if not positive
     */
    public Options warnBefore(Duration warnBefore) {
      requirePositive("warnBefore", warnBefore);
      return new Options(ttl, renewAt, renewBefore, jitter, overlap, warnBefore, retryFirst,
          retryMax, revokeOnClose, listenerExecutor, listeners);
    }

    /**
     * {@return the wait after the first failed renewal or rotation; it doubles after each further
     * failure
     * up to {@code max}, with a fifth of each wait random} Attempts go on until one succeeds (or
     * the
     * credential is closed). Default 1 s to 1 min.
     *
     * @param first the wait after the first failure
     * @param max the longest wait
     * @throws InvalidRequestException if {@code first} is not positive or {@code max} is shorter
     */
    public Options retryBackoff(Duration first, Duration max) {
      requirePositive("retryBackoff.first", first);
      if (max == null || max.compareTo(first) < 0) {
        throw new InvalidRequestException("retryBackoff.max",
            "must be at least retryBackoff.first " + Durations.format(first) + "; was "
                + (max == null ? "null" : Durations.format(max)));
      }
      return new Options(ttl, renewAt, renewBefore, jitter, overlap, warnBefore, first, max,
          revokeOnClose, listenerExecutor, listeners);
    }

    /**
     * {@return whether closing revokes the credential (true, the default) or leaves its lease to
     * expire at
     * its expiry, for example so that another instance can go on using a shared credential or a
     * restart
     * does not cut requests short} The old credential of a rotation in its overlap is revoked
     * either way.
     *
     * @param revoke whether closing revokes the credential (true, the default) or leaves its lease
     *     to expire at its expiry, for example so that another instance can go on using a shared
     *     credential or a restart does not cut requests short
     */
    public Options revokeOnClose(boolean revoke) {
      return new Options(ttl, renewAt, renewBefore, jitter, overlap, warnBefore, retryFirst,
          retryMax, revoke, listenerExecutor, listeners);
    }

    /**
     * {@return where listeners are called} Events are handed over one at a time, in order, even on
     * an
     * executor with many threads. Default: one daemon thread per managed credential, from the
     * manager's
     * {@link LeaseManager.Builder#threadFactory thread factory} if it has one.
     *
     * @param executor where listeners are called
     * @throws InvalidRequestException if null
     */
    public Options listenerExecutor(Executor executor) {
      if (executor == null) {
        throw new InvalidRequestException("listenerExecutor", "is required");
      }
      return new Options(ttl, renewAt, renewBefore, jitter, overlap, warnBefore, retryFirst,
          retryMax, revokeOnClose, executor, listeners);
    }

    /**
     * Adds a listener for every change, the first lease's {@link CredentialEvent.Type#CREATED}
     * included.
     *
     * @param listener the listener
     * @return the options with this change
     * @throws InvalidRequestException if null
     */
    public Options listener(CredentialListener listener) {
      if (listener == null) {
        throw new InvalidRequestException("listener", "is required");
      }
      List<CredentialListener> more = new ArrayList<>(listeners);
      more.add(listener);
      return new Options(ttl, renewAt, renewBefore, jitter, overlap, warnBefore, retryFirst,
          retryMax, revokeOnClose, listenerExecutor, more);
    }

    /** The options as the engine reads them. */
    ManagedSettings settings() {
      return new ManagedSettings(ttl, renewAt, renewBefore, jitter, overlap, warnBefore,
          retryFirst, retryMax, revokeOnClose, listenerExecutor, listeners);
    }

    private static void requirePositive(String option, Duration value) {
      if (value == null || value.isZero() || value.isNegative()) {
        throw new InvalidRequestException(option, "must be a positive duration; was "
            + (value == null ? "null" : Durations.format(value)));
      }
    }

    @Override
    public String toString() {
      return "ManagedCredential.Options[ttl=" + (ttl == null ? "default" : Durations.format(ttl))
          + (renewBefore == null ? ", renewAt=" + renewAt
              : ", renewBefore=" + Durations.format(renewBefore))
          + ", jitter=" + jitter
          + ", overlap=" + (overlap == null ? "default" : Durations.format(overlap))
          + ", revokeOnClose=" + revokeOnClose + ", listeners=" + listeners.size() + "]";
    }
  }
}
