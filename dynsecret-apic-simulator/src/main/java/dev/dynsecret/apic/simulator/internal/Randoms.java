package dev.dynsecret.apic.simulator.internal;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/** Random values for keys, tokens, client ids and secrets. */
final class Randoms {
  private static final SecureRandom RANDOM = new SecureRandom();

  private Randoms() {}

  /** {@code bytes} random bytes, base64url without padding. */
  static String token(int bytes) {
    byte[] buf = new byte[bytes];
    RANDOM.nextBytes(buf);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(buf);
  }

  /** {@code bytes} random bytes as lowercase hex. */
  static String hex(int bytes) {
    byte[] buf = new byte[bytes];
    RANDOM.nextBytes(buf);
    return HexFormat.of().formatHex(buf);
  }
}
