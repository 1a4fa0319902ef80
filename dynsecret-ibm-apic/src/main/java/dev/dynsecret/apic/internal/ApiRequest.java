package dev.dynsecret.apic.internal;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One call to the platform API.
 *
 * @param method the HTTP method
 * @param path the percent-encoded path, starting with {@code /api/}; safe to show in messages
 * @param query the encoded query without {@code ?}, or null
 * @param body the JSON body, or null for none
 * @param idempotent whether a transient failure may be retried blindly (GET and DELETE)
 */
public record ApiRequest(
    String method, String path, @Nullable String query, byte @Nullable [] body, boolean idempotent) {
  public ApiRequest {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(path, "path");
  }

  static ApiRequest get(String path, @Nullable String query) {
    return new ApiRequest("GET", path, query, null, true);
  }

  static ApiRequest delete(String path) {
    return new ApiRequest("DELETE", path, null, null, true);
  }

  static ApiRequest post(String path, byte[] body) {
    return new ApiRequest("POST", path, null, body, false);
  }

  /** Method and path (with query), for messages: no header or body, so no secret. */
  public String describe() {
    return method + " " + path + (query == null ? "" : "?" + query);
  }

  /** Leaves the body out, since it may hold credentials. */
  @Override
  public String toString() {
    return "ApiRequest[" + describe() + "]";
  }
}
