package dev.dynsecret.apic.internal;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Optional;

/** The shared, thread-safe JSON mapper and small helpers for APIC's loosely typed bodies. */
final class Json {
  static final ObjectMapper MAPPER = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, true);

  private Json() {}

  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  static byte[] bytes(ObjectNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new IllegalStateException("could not write JSON", e);
    }
  }

  /** The body as a JSON object, or empty if it is not one (truncated, HTML, empty). */
  static Optional<JsonNode> objectOf(ApiResponse response) {
    if (response.overflow() || response.body().length == 0) {
      return Optional.empty();
    }
    try {
      JsonNode node = MAPPER.readTree(response.body());
      return node != null && node.isObject() ? Optional.of(node) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** Whether the whole body is one JSON value (of any shape) and was read to its end. */
  static boolean isJson(ApiResponse response) {
    if (response.overflow() || response.body().length == 0) {
      return false;
    }
    try {
      return MAPPER.readTree(response.body()) != null;
    } catch (IOException e) {
      return false;
    }
  }

  /** A non-blank string member, or empty. Numbers are accepted as text. */
  static Optional<String> text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || !(v.isTextual() || v.isNumber()) || v.asText().isBlank()) {
      return Optional.empty();
    }
    return Optional.of(v.asText());
  }

  /** A whole-number member given as a number or a numeric string, or empty. */
  static Optional<Long> number(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null) {
      return Optional.empty();
    }
    if (v.isIntegralNumber() || (v.isNumber() && v.asDouble() == Math.rint(v.asDouble()))) {
      return Optional.of(v.asLong());
    }
    if (v.isTextual() && v.asText().strip().matches("-?\\d{1,18}")) {
      return Optional.of(Long.parseLong(v.asText().strip()));
    }
    return Optional.empty();
  }
}
