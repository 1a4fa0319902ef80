package dev.dynsecret.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dynsecret.Lease;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.time.Instant;

/** {@code --json} output: one pretty-printed JSON document on stdout. */
final class Json {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private Json() {}

  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  static ArrayNode array() {
    return MAPPER.createArrayNode();
  }

  static void print(PrintWriter out, Object node) {
    try {
      out.println(MAPPER.writeValueAsString(node));
      out.flush();
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every field of a lease; times as ISO-8601 UTC, absent ones as null. */
  static ObjectNode lease(Lease lease) {
    ObjectNode node = object();
    node.put("id", lease.id());
    node.put("secret", lease.secretName());
    node.put("state", lease.state().name());
    node.put("revocationPending", lease.revocationPending());
    node.put("externalId", lease.externalId());
    node.put("createdAt", time(lease.createdAt()));
    node.put("expiresAt", time(lease.expiresAt()));
    node.put("hardLimitAt", time(lease.hardLimitAt()));
    node.put("renewedAt", time(lease.renewedAt()));
    node.put("revokedAt", time(lease.revokedAt()));
    node.put("revokeReason", lease.revokeReason() == null ? null : lease.revokeReason().name());
    node.put("revocationAttempts", lease.revocationAttempts());
    node.put("nextAttemptAt", time(lease.nextAttemptAt()));
    node.put("lastError", lease.lastError());
    ObjectNode metadata = node.putObject("metadata");
    lease.metadata().forEach(metadata::put);
    return node;
  }

  static String time(Instant instant) {
    return instant == null ? null : instant.toString();
  }
}
