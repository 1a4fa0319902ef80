package dev.dynsecret.apic.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;

/** Percent-encoding of path segments (RFC 3986): names may hold spaces, slashes, non-ASCII. */
final class PathSegments {
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private PathSegments() {}

  /** Joins {@code segments} into {@code /a/b/c}, each one encoded. */
  static String path(String... segments) {
    StringBuilder out = new StringBuilder();
    for (String segment : segments) {
      out.append('/').append(encode(segment));
    }
    return out.toString();
  }

  /** Keeps only unreserved characters; everything else, '/' included, becomes {@code %XX}. */
  static String encode(String segment) {
    StringBuilder out = new StringBuilder(segment.length());
    for (byte b : segment.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xFF);
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '-' || c == '.' || c == '_' || c == '~') {
        out.append(c);
      } else {
        out.append('%').append(HEX[(b >> 4) & 0xF]).append(HEX[b & 0xF]);
      }
    }
    return out.toString();
  }

  /**
   * The last non-empty path segment of a URL, decoded: the consumer org of {@code
   * .../api/consumer-orgs/{org}/{catalog}/{consumer-org}}. Empty string if there is none.
   */
  static String lastSegment(String url) {
    String path;
    try {
      URI uri = new URI(url.strip());
      path = uri.getPath();
    } catch (URISyntaxException e) {
      path = url.strip();
      int cut = path.indexOf('?');
      path = cut < 0 ? path : path.substring(0, cut);
    }
    if (path == null) {
      return "";
    }
    while (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    return path.substring(path.lastIndexOf('/') + 1);
  }
}
