package dev.dynsecret.apic.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns whatever body an error came with into a short readable phrase: APIC's {@code
 * {"status":..,"message":[..]}}, an HTML page from a proxy, plain text, or nothing at all.
 */
final class ErrorBodies {
  private static final int MAX_TEXT = 300;
  private static final Pattern TITLE =
      Pattern.compile("<title[^>]*>(.*?)</title>", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
  private static final Map<Integer, String> REASONS = Map.ofEntries(
      Map.entry(200, "OK"), Map.entry(201, "Created"), Map.entry(202, "Accepted"),
      Map.entry(204, "No Content"), Map.entry(400, "Bad Request"), Map.entry(401, "Unauthorized"), Map.entry(403, "Forbidden"),
      Map.entry(404, "Not Found"), Map.entry(405, "Method Not Allowed"),
      Map.entry(408, "Request Timeout"), Map.entry(409, "Conflict"),
      Map.entry(413, "Content Too Large"), Map.entry(415, "Unsupported Media Type"),
      Map.entry(422, "Unprocessable Content"), Map.entry(429, "Too Many Requests"),
      Map.entry(500, "Internal Server Error"), Map.entry(501, "Not Implemented"),
      Map.entry(502, "Bad Gateway"), Map.entry(503, "Service Unavailable"),
      Map.entry(504, "Gateway Timeout"));

  private ErrorBodies() {}

  /** {@code 404 Not Found}, or just the number for an unusual status. */
  static String status(int status) {
    String reason = REASONS.get(status);
    return reason == null ? String.valueOf(status) : status + " " + reason;
  }

  /**
   * A phrase to follow "answered 4xx": {@code ": <APIC's messages>"}, {@code " with an HTML page
   * titled '...'"}, {@code " with an empty body"}. Known secrets are scrubbed from it.
   */
  static String describe(ApiResponse response, Redactor redactor) {
    String text = response.text().strip();
    String cut = response.overflow() ? " (body cut off after " + response.body().length
        + " bytes)" : "";
    if (text.isEmpty()) {
      return " with an empty body" + cut;
    }
    List<String> messages = apicMessages(text);
    if (!messages.isEmpty()) {
      return ": " + redactor.scrub(shorten(String.join("; ", messages))) + cut;
    }
    if (response.contentType().contains("html") || text.startsWith("<")) {
      Matcher m = TITLE.matcher(text);
      String title = m.find() ? clean(m.group(1).replaceAll("<[^>]*>", " ")) : "";
      return (title.isEmpty() ? " with an HTML page" : " with an HTML page titled '"
          + redactor.scrub(shorten(title)) + "'") + cut;
    }
    return ": " + redactor.scrub(shorten(clean(text))) + cut;
  }

  /** The strings of {@code message} (an array or a single string), or empty if not APIC's shape. */
  static List<String> apicMessages(String text) {
    if (!text.startsWith("{")) {
      return List.of();
    }
    JsonNode node;
    try {
      node = Json.MAPPER.readTree(text);
    } catch (IOException e) {
      return List.of();
    }
    if (node == null) {
      return List.of();
    }
    JsonNode message = node.path("message");
    List<String> out = new ArrayList<>();
    if (message.isArray()) {
      for (JsonNode m : message) {
        if (m.isValueNode() && !m.asText().isBlank()) {
          out.add(clean(m.asText()));
        }
      }
    } else if (message.isValueNode() && !message.asText().isBlank()) {
      out.add(clean(message.asText()));
    }
    return out;
  }

  /** Whether the body says the credential exists already (IBM's scripts look for this). */
  static boolean saysAlreadyExists(ApiResponse response) {
    return response.text().toLowerCase(Locale.ROOT).contains("already exists");
  }

  private static String clean(String s) {
    return s.replaceAll("[\\p{Cntrl}\\s]+", " ").strip();
  }

  private static String shorten(String s) {
    return s.length() <= MAX_TEXT ? s : s.substring(0, MAX_TEXT) + "...";
  }
}
