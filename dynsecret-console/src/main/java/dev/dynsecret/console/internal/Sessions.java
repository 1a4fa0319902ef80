package dev.dynsecret.console.internal;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The signed-in browsers of a console that authenticates with its own token: a random session id
 * (the cookie) and a random CSRF token per session (the synchronizer token the page sends back in
 * a header on every write). Sessions live in memory; they end after an idle timeout, on sign-out,
 * or when the process stops.
 */
public final class Sessions {
  /** One signed-in browser. */
  public record Session(String id, String user, String csrfToken, Instant lastSeen) {
    @Override
    public String toString() {
      // The id is the cookie and the CSRF token a credential: neither is printed.
      return "Session[" + user + "]";
    }
  }

  /** At most this many sessions at once: signing in again evicts the least recently seen. */
  static final int MAX_SESSIONS = 1000;

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  private final Clock clock;
  private final Duration idleTimeout;

  public Sessions(Clock clock, Duration idleTimeout) {
    this.clock = clock;
    this.idleTimeout = idleTimeout;
  }

  /** 32 random bytes, URL-safe Base64 without padding (43 characters). */
  public static String randomToken() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /**
   * A new session. Its user is {@code kind#} and a short fingerprint of the session id, which
   * tells sessions apart in the audit without revealing the id (the cookie).
   */
  public Session create(String kind) {
    Instant now = clock.instant();
    if (sessions.size() >= MAX_SESSIONS) {
      sessions.values().stream().min(java.util.Comparator.comparing(Session::lastSeen))
          .ifPresent(oldest -> sessions.remove(oldest.id()));
    }
    String id = randomToken();
    Session session = new Session(id, kind + "#" + fingerprint(id), randomToken(), now);
    sessions.put(session.id(), session);
    return session;
  }

  /** The live session with this id, its idle time restarted; empty if none or timed out. */
  public Optional<Session> find(@Nullable String id) {
    if (id == null || id.isEmpty()) {
      return Optional.empty();
    }
    Session session = sessions.get(id);
    if (session == null) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    if (!now.isBefore(session.lastSeen().plus(idleTimeout))) {
      sessions.remove(id);
      return Optional.empty();
    }
    Session touched = new Session(session.id(), session.user(), session.csrfToken(), now);
    sessions.replace(id, session, touched);
    return Optional.of(touched);
  }

  private static String fingerprint(String id) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256")
          .digest(id.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return java.util.HexFormat.of().formatHex(hash, 0, 4);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Ends the session. */
  public void remove(String id) {
    sessions.remove(id);
  }

  /** Whether {@code a} equals {@code b}, in time that does not depend on where they differ. */
  public static boolean constantTimeEquals(@Nullable String a, @Nullable String b) {
    if (a == null || b == null) {
      return false;
    }
    return MessageDigest.isEqual(a.getBytes(java.nio.charset.StandardCharsets.UTF_8),
        b.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }
}
