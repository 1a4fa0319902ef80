package dev.dynsecret.apic.simulator.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One HTTP answer, built before anything is written so faults can still replace or spoil it.
 *
 * @param status the HTTP status
 * @param contentType the body's media type, or null when there is no body
 * @param body the body bytes, empty for none
 * @param headers extra response headers
 */
record Reply(int status, String contentType, byte[] body, Map<String, String> headers) {
  static final String JSON = "application/json";

  static Reply json(int status, JsonNode node) {
    return new Reply(status, JSON, Json.bytes(node), Map.of());
  }

  static Reply empty(int status) {
    return new Reply(status, null, new byte[0], Map.of());
  }

  static Reply error(int status, String message) {
    return json(status, Json.error(status, message));
  }

  static Reply html(int status, String html) {
    return new Reply(status, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8), Map.of());
  }

  Reply withHeader(String name, String value) {
    Map<String, String> copy = new LinkedHashMap<>(headers);
    copy.put(name, value);
    return new Reply(status, contentType, body, Map.copyOf(copy));
  }

  /** Status and size only: a body may hold a client secret or a token. */
  @Override
  public String toString() {
    return "Reply[status=" + status + ", bytes=" + body.length + "]";
  }
}
