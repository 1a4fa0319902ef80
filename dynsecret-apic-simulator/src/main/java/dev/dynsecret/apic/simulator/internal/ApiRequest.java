package dev.dynsecret.apic.simulator.internal;

import dev.dynsecret.apic.simulator.RequestKind;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A request as the handlers see it: method, decoded path segments, query parameters, the
 * {@code Authorization} header and the body.
 */
record ApiRequest(
    String method, String path, List<String> segments, Map<String, String> query,
    String authorization, byte[] body) {

  static ApiRequest of(String method, String rawPath, String rawQuery, String authorization,
      byte[] body) {
    List<String> segments = new ArrayList<>();
    for (String part : rawPath.split("/")) {
      if (!part.isEmpty()) {
        segments.add(decode(part.replace("+", "%2B"))); // '+' is literal in a path
      }
    }
    Map<String, String> query = new HashMap<>();
    if (rawQuery != null) {
      for (String pair : rawQuery.split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        String key = decode(eq < 0 ? pair : pair.substring(0, eq));
        String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
        query.putIfAbsent(key, value);
      }
    }
    return new ApiRequest(method, rawPath, List.copyOf(segments), Map.copyOf(query),
        authorization, body);
  }

  /** What the request asks for, from its shape alone. */
  RequestKind kind() {
    int n = segments.size();
    if (n < 2 || !segments.get(0).equals("api")) {
      return RequestKind.OTHER;
    }
    String area = segments.get(1);
    if (area.equals("token") && n == 2 && method.equals("POST")) {
      return RequestKind.TOKEN;
    }
    if (area.equals("apps") && n >= 7 && segments.get(6).equals("credentials")) {
      if (n == 7) {
        return switch (method) {
          case "POST" -> RequestKind.CREATE_CREDENTIAL;
          case "GET" -> RequestKind.LIST_CREDENTIALS;
          default -> RequestKind.OTHER;
        };
      }
      if (n == 8) {
        return switch (method) {
          case "GET" -> RequestKind.GET_CREDENTIAL;
          case "DELETE" -> RequestKind.DELETE_CREDENTIAL;
          default -> RequestKind.OTHER;
        };
      }
    }
    if (area.equals("catalogs") && n == 5 && method.equals("GET")) {
      if (segments.get(4).equals("apps")) {
        return RequestKind.LIST_APPS;
      }
      if (segments.get(4).equals("credentials")) {
        return RequestKind.LIST_CREDENTIALS;
      }
    }
    return RequestKind.OTHER;
  }

  String segment(int index) {
    return segments.get(index);
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s; // a malformed escape is kept as typed; it will simply match nothing
    }
  }

  /** Method and path only: the header and body may hold a token or secrets. */
  @Override
  public String toString() {
    return method + " " + path;
  }
}
