package dev.dynsecret.console;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One HTTP request as a host hands it to {@link Console#handle}: what the console needs of it,
 * whatever the server.
 *
 * @param method the HTTP method, upper case
 * @param path the path below the console's mount point, starting with {@code /} ({@code /},
 *     {@code /api/secrets}, ...), not decoded
 * @param mountPath where the console is mounted ({@code /dynsecret}, or empty for the root): the
 *     session cookie's path
 * @param query the raw query string, or empty
 * @param headers the request headers, names in lower case
 * @param body the request body (empty for none)
 * @param user the user the host authenticated, or null; only read by a console built with {@link
 *     Console.Builder#hostAuthentication()}
 * @param hostCsrf the CSRF token the host checks on writes (Spring Security's), for the page to
 *     send back; null when the host has none
 * @param secure whether the request came over TLS (the session cookie is then {@code Secure})
 */
public record ConsoleRequest(
    String method,
    String path,
    String mountPath,
    String query,
    Map<String, List<String>> headers,
    byte[] body,
    @Nullable String user,
    @Nullable HostCsrf hostCsrf,
    boolean secure) {

  /**
   * A CSRF token that the host (not the console) checks on every write.
   *
   * @param headerName the header the page must send it in, e.g. {@code X-CSRF-TOKEN}
   * @param token the value to send
   */
  public record HostCsrf(String headerName, String token) {
    /**
     * Checks required components.
     *
     * @param headerName the header the page must send the token in
     * @param token the value to send
     */
    public HostCsrf {
      Objects.requireNonNull(headerName, "headerName");
      Objects.requireNonNull(token, "token");
    }

    @Override
    public String toString() {
      return "HostCsrf[" + headerName + "]";
    }
  }

  /**
   * Checks required components; copies the headers with lower-case names.
   *
   * @param method the HTTP method, upper case
   * @param path the path below the console's mount point, starting with {@code /}, not decoded
   * @param mountPath where the console is mounted, or empty for the root
   * @param query the raw query string; null or empty for none
   * @param headers the request headers in any case; null for none
   * @param body the request body; null for none
   * @param user the user the host authenticated, or null
   * @param hostCsrf the CSRF token the host checks on writes, or null
   * @param secure whether the request came over TLS
   */
  public ConsoleRequest {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(mountPath, "mountPath");
    query = query == null ? "" : query;
    Map<String, List<String>> lower = new LinkedHashMap<>();
    if (headers != null) {
      headers.forEach((name, values) -> lower.computeIfAbsent(name.toLowerCase(Locale.ROOT),
          k -> new ArrayList<>()).addAll(values));
    }
    headers = Map.copyOf(lower);
    body = body == null ? new byte[0] : body;
  }

  /**
   * The first value of a header.
   *
   * @param name the header's name, in any case
   * @return its first value, or null when the request has none
   */
  public @Nullable String header(String name) {
    List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  @Override
  public String toString() {
    // Headers and body may hold a token or a cookie: never printed.
    return "ConsoleRequest[" + method + " " + mountPath + path + "]";
  }
}
