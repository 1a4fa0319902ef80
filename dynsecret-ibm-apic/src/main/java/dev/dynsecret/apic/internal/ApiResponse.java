package dev.dynsecret.apic.internal;

import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * An answer from the platform API, with at most a capped number of body bytes.
 *
 * @param overflow whether the body was longer than the cap and was cut off
 */
public record ApiResponse(int status, HttpHeaders headers, byte[] body, boolean overflow) {

  public boolean isSuccess() {
    return status >= 200 && status < 300;
  }

  /** The body as text (what was read of it). */
  public String text() {
    return new String(body, StandardCharsets.UTF_8);
  }

  /** The content type, lower case, without parameters; empty if absent. */
  public String contentType() {
    return headers.firstValue("Content-Type")
        .map(v -> v.split(";", 2)[0].strip().toLowerCase(Locale.ROOT))
        .orElse("");
  }

  /** Status only: the body may hold a generated secret. */
  @Override
  public String toString() {
    return "ApiResponse[status=" + status + ", " + body.length + " bytes"
        + (overflow ? ", cut off" : "") + "]";
  }
}
