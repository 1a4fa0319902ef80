package dev.dynsecret.console;

import dev.dynsecret.InvalidRequestException;
import dev.dynsecret.LeaseManager;
import dev.dynsecret.Secret;
import dev.dynsecret.console.internal.ConsoleHandler;
import dev.dynsecret.console.internal.ConsoleHandler.Mode;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The web console over one {@link LeaseManager}: its pages (HTML, CSS and JavaScript served from
 * this jar) and its JSON API, answering {@link ConsoleRequest}s with {@link ConsoleResponse}s so
 * that any server can host it ({@link ConsoleServer}, {@link ConsoleServlet}).
 *
 * <p>Who may do what is set once, when it is built:
 *
 * <ul>
 *   <li>{@link Builder#tokenAuthentication(Secret)}: the console signs users in itself. A user
 *       pastes the token, gets a session cookie ({@code HttpOnly}, {@code SameSite=Strict}, {@code
 *       Secure} over TLS) and a CSRF token the page sends in a header on every write. Every API
 *       call, reads too, needs the session.
 *   <li>{@link Builder#hostAuthentication()}: the host signs users in (Spring Security) and
 *       checks CSRF on writes; it passes the user and its CSRF token in each {@link
 *       ConsoleRequest}. Reads are the host's to allow; writes need a user, and are refused when
 *       the host has no CSRF token to give (its CSRF protection is off).
 *   <li>{@link Builder#readOnly(boolean)}: no writes at all; without either of the above, reads
 *       are open to whoever reaches the console.
 * </ul>
 *
 * <p>Every answer carries a strict Content-Security-Policy, {@code X-Content-Type-Options:
 * nosniff}, {@code Referrer-Policy: no-referrer} and {@code Cache-Control: no-store}. A write must
 * be a JSON POST from the console's own origin. Secret data appears only in the answer that
 * creates a lease. Each write is logged on {@code dev.dynsecret.console.audit}: who, the action,
 * the secret, the lease and the outcome, never secret data.
 */
public final class Console {
  /** The logger every write is reported on. */
  public static final String AUDIT_LOGGER = "dev.dynsecret.console.audit";

  private final ConsoleHandler handler;

  private Console(ConsoleHandler handler) {
    this.handler = handler;
  }

  /**
   * A console over {@code manager}; choose how users are authenticated before building it.
   *
   * @param manager the lease manager whose secrets and leases the console shows and acts on
   * @return a builder
   */
  public static Builder builder(LeaseManager manager) {
    return new Builder(manager);
  }

  /**
   * Answers one request; never throws for anything the request holds.
   *
   * @param request the request, as the host received it
   * @return the answer to send as is
   */
  public ConsoleResponse handle(ConsoleRequest request) {
    return handler.handle(Objects.requireNonNull(request, "request"));
  }

  /** Builds a {@link Console}. */
  public static final class Builder {
    private final LeaseManager manager;
    private @Nullable Secret token;
    private boolean host;
    private boolean readOnly;
    private Clock clock = Clock.systemUTC();
    private Duration sessionTimeout = Duration.ofMinutes(30);

    private Builder(LeaseManager manager) {
      this.manager = Objects.requireNonNull(manager, "manager");
    }

    /**
     * Users sign in with this token (compared in constant time); at least 16 characters.
     *
     * @param token the sign-in token
     * @return this builder
     * @throws InvalidRequestException on {@code token} if it is shorter
     */
    public Builder tokenAuthentication(Secret token) {
      Objects.requireNonNull(token, "token");
      if (token.reveal().strip().length() < 16) {
        throw new InvalidRequestException("token", "must be at least 16 characters (a generated"
            + " token has 43)");
      }
      this.token = token;
      return this;
    }

    /**
     * The host authenticates users and checks CSRF on writes (see {@link ConsoleRequest}).
     *
     * @return this builder
     */
    public Builder hostAuthentication() {
      this.host = true;
      return this;
    }

    /**
     * Whether to refuse every write (default false).
     *
     * @param readOnly true to show leases without letting anyone act on them
     * @return this builder
     */
    public Builder readOnly(boolean readOnly) {
      this.readOnly = readOnly;
      return this;
    }

    /**
     * The clock sessions time out by (default the system's).
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * How long a token session lasts without a request (default 30 minutes).
     *
     * @param timeout the idle time after which a session ends
     * @return this builder
     * @throws InvalidRequestException on {@code sessionTimeout} unless positive
     */
    public Builder sessionTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new InvalidRequestException("sessionTimeout", "must be positive; was " + timeout);
      }
      this.sessionTimeout = timeout;
      return this;
    }

    /**
     * The console.
     *
     * @return a console ready to {@link Console#handle handle} requests
     * @throws InvalidRequestException on {@code authentication} if writes would be open to anyone
     *     (no token, no host authentication, not read-only), or both kinds of authentication are
     *     set
     */
    public Console build() {
      if (token != null && host) {
        throw new InvalidRequestException("authentication", "must be either a token or the"
            + " host's, not both");
      }
      Mode mode = token != null ? Mode.TOKEN : host ? Mode.HOST : Mode.NONE;
      if (mode == Mode.NONE && !readOnly) {
        throw new InvalidRequestException("authentication", "is required for a console that can"
            + " write: configure a token or the host's authentication, or make it read-only");
      }
      return new Console(new ConsoleHandler(manager, mode, token, readOnly, clock, sessionTimeout));
    }
  }
}
