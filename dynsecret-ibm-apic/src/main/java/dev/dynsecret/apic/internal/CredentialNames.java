package dev.dynsecret.apic.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The deterministic credential name for a lease: {@code dynsecret-<lease id>}, lower case letters,
 * digits and {@code -} only, at most 64 characters, so that it can be found again after a crash.
 */
final class CredentialNames {
  static final String PREFIX = "dynsecret-";
  static final int MAX_LENGTH = 64;

  /** Compiled once: {@code String.replaceAll} compiled it again on every create. */
  private static final Pattern NOT_ALLOWED = Pattern.compile("[^a-z0-9-]+");

  private CredentialNames() {}

  static String forLease(String leaseId) {
    if (leaseId.length() <= MAX_LENGTH - PREFIX.length() && allowedAsIs(leaseId)) {
      return PREFIX + leaseId; // every id the engine issues: nothing to clean up
    }
    String cleaned = NOT_ALLOWED.matcher(leaseId.toLowerCase(Locale.ROOT)).replaceAll("-");
    String name = PREFIX + cleaned;
    if (name.length() <= MAX_LENGTH && cleaned.equals(leaseId)) {
      return name;
    }
    // Too long or altered: keep a readable prefix and add a hash of the real id, so two ids
    // that clean up alike still get different names.
    String hash = sha256Hex(leaseId).substring(0, 16);
    String head = name.substring(0, Math.min(name.length(), MAX_LENGTH - hash.length() - 1));
    return head + "-" + hash;
  }

  /** Whether {@code id} is non-empty and only lower case letters, digits and {@code -}. */
  private static boolean allowedAsIs(String id) {
    if (id.isEmpty()) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
        return false;
      }
    }
    return true;
  }

  /**
   * The lease id a credential name was made from, if the name is one {@link #forLease} makes
   * without a hash (as it does for every id the engine issues); empty for any other name.
   */
  static Optional<String> leaseIdOf(String name) {
    if (name == null || !name.startsWith(PREFIX) || name.length() == PREFIX.length()) {
      return Optional.empty();
    }
    String leaseId = name.substring(PREFIX.length());
    return forLease(leaseId).equals(name) ? Optional.of(leaseId) : Optional.empty();
  }

  private static String sha256Hex(String s) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
