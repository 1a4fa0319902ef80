package dev.dynsecret.apic.simulator.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** JSON helpers shared by the simulator's handlers. */
final class Json {
  static final ObjectMapper MAPPER = new ObjectMapper();
  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private Json() {}

  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  static byte[] bytes(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e); // cannot happen for tree nodes
    }
  }

  /** Parses a request body; an empty body reads as an empty object. */
  static JsonNode parse(byte[] body) {
    if (body.length == 0) {
      return object();
    }
    try {
      JsonNode node = MAPPER.readTree(body);
      return node == null ? object() : node;
    } catch (IOException e) {
      throw ApiError.badRequest("The request body is not valid JSON");
    }
  }

  static ObjectNode error(int status, String message) {
    ObjectNode node = object();
    node.put("status", status);
    node.putArray("message").add(message);
    return node;
  }

  /** The platform's timestamp format, e.g. {@code 2018-09-06T14:37:42.469Z}. */
  static String timestamp(Instant instant) {
    return TIMESTAMP.format(instant);
  }
}
