package dev.dynsecret.apic.simulator;

import java.time.Duration;
import java.util.Objects;

/**
 * A misbehaviour the simulator can answer a request with instead of (or after) serving it, as a
 * gateway, load balancer or flaky network in front of a real platform would. Schedule faults with
 * {@link Faults}.
 *
 * <p>By default a fault replaces the request: the platform never sees it, nothing changes. A fault
 * made {@link #afterProcessing()} lets the request take effect first and then spoils only the
 * answer, which is how a create can succeed while its caller never learns the client secret.
 *
 * @param type what goes wrong
 * @param status for {@link Type#RESPOND}, the HTTP status sent; 0 otherwise
 * @param body for {@link Type#RESPOND}, the kind of body sent with {@code status}
 * @param retryAfter for {@link Type#RESPOND}, the {@code Retry-After} header value, or null for none
 * @param processedFirst whether the request takes effect before the fault spoils its answer
 */
public record Fault(
    Type type, int status, BodyKind body, Duration retryAfter, boolean processedFirst) {

  /** What goes wrong. */
  public enum Type {
    /** An answer with a chosen status and body kind, optionally with {@code Retry-After}. */
    RESPOND,
    /** The connection is closed with no answer at all. */
    DROP_CONNECTION,
    /**
     * The request is served, but its JSON body is cut to half its length (at least one byte kept)
     * with a matching {@code Content-Length}, so the client reads invalid JSON. Always after
     * processing.
     */
    TRUNCATE_BODY,
    /**
     * No answer until the client gives up; the server then closes the connection when the
     * simulator's stall limit passes or the simulator closes, whichever comes first.
     */
    STALL
  }

  /** The kind of body a {@link Type#RESPOND} fault sends. */
  public enum BodyKind {
    /** The platform's error shape: {@code {"status":N,"message":["…"]}}. */
    JSON,
    /** An HTML error page, as a proxy or load balancer sends. */
    HTML,
    /** No body at all. */
    EMPTY
  }

  /**
   * Checks the parts fit together.
   *
   * @param type what goes wrong
   * @param status for {@link Type#RESPOND}, the HTTP status sent; 0 otherwise
   * @param body for {@link Type#RESPOND}, the kind of body sent with {@code status}
   * @param retryAfter for {@link Type#RESPOND}, the {@code Retry-After} header value, or null for
   *     none
   * @param processedFirst whether the request takes effect before the fault spoils its answer
   * @throws IllegalArgumentException naming the part and the rule it broke
   */
  public Fault {
    Objects.requireNonNull(type, "type");
    if (type == Type.RESPOND) {
      if (status < 100 || status > 599) {
        throw new IllegalArgumentException("status: must be an HTTP status 100-599, was " + status);
      }
      Objects.requireNonNull(body, "body");
      if (retryAfter != null && retryAfter.isNegative()) {
        throw new IllegalArgumentException("retryAfter: must not be negative, was " + retryAfter);
      }
    } else {
      if (status != 0 || body != null || retryAfter != null) {
        throw new IllegalArgumentException(
            "status, body, retryAfter: only a RESPOND fault has them, this is " + type);
      }
      if (type == Type.TRUNCATE_BODY && !processedFirst) {
        throw new IllegalArgumentException("processedFirst: a TRUNCATE_BODY fault always is");
      }
    }
  }

  /**
   * {@return an answer with {@code status} and a body of kind {@code body}, without serving the
   * request}
   *
   * @param status the HTTP status to send
   * @param body the kind of body to send
   * @throws IllegalArgumentException if {@code status} is not an HTTP status
   */
  public static Fault status(int status, BodyKind body) {
    return new Fault(Type.RESPOND, status, body, null, false);
  }

  /**
   * {@code 429 Too Many Requests} with a JSON body and a {@code Retry-After} header in seconds.
   *
   * @param retryAfter the wait the answer asks for
   * @return the fault
   */
  public static Fault tooManyRequests(Duration retryAfter) {
    Objects.requireNonNull(retryAfter, "retryAfter");
    return new Fault(Type.RESPOND, 429, BodyKind.JSON, retryAfter, false);
  }

  /** {@return the connection closed without any answer} */
  public static Fault dropConnection() {
    return new Fault(Type.DROP_CONNECTION, 0, null, null, false);
  }

  /** {@return the request served, then its JSON body truncated to invalid JSON} */
  public static Fault truncatedBody() {
    return new Fault(Type.TRUNCATE_BODY, 0, null, null, true);
  }

  /** {@return no answer until the client times out (bounded, see {@link Type#STALL})} */
  public static Fault stall() {
    return new Fault(Type.STALL, 0, null, null, false);
  }

  /**
   * {@return this fault with a {@code Retry-After} header, in whole seconds rounded up}
   *
   * @param retryAfter the wait the answer asks for
   * @throws IllegalArgumentException if this is not a {@link Type#RESPOND} fault
   */
  public Fault withRetryAfter(Duration retryAfter) {
    Objects.requireNonNull(retryAfter, "retryAfter");
    if (type != Type.RESPOND) {
      throw new IllegalArgumentException("retryAfter: only a RESPOND fault has one, this is " + type);
    }
    return new Fault(type, status, body, retryAfter, processedFirst);
  }

  /** {@return this fault, applied after the request has taken effect instead of in its place} */
  public Fault afterProcessing() {
    return new Fault(type, status, body, retryAfter, true);
  }
}
