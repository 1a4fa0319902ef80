package dev.dynsecret.console;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The console's answer, for the host to send as is.
 *
 * @param status the HTTP status
 * @param headers the headers to set (each name once)
 * @param body the body, possibly empty
 */
public record ConsoleResponse(int status, Map<String, String> headers, byte[] body) {
  /**
   * Copies the headers, keeping their order.
   *
   * @param status the HTTP status
   * @param headers the headers to set (each name once)
   * @param body the body, possibly empty
   */
  public ConsoleResponse {
    Objects.requireNonNull(headers, "headers");
    Objects.requireNonNull(body, "body");
    headers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(headers));
  }

  /**
   * The body as text.
   *
   * @return the body decoded as UTF-8
   */
  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    // The body of a create holds a credential: never printed.
    return "ConsoleResponse[" + status + ", " + body.length + " bytes]";
  }
}
