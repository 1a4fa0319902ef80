package dev.dynsecret.internal;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Lease ids in the UUID version 7 layout: 48 bits of milliseconds, then random bits, written as
 * lowercase hex. They sort by creation time (so stores page in creation order by id alone), fit
 * provider naming rules (lowercase letters, digits, {@code -}; 36 characters) and are unique
 * across nodes without coordination.
 */
public final class LeaseIds {
  private LeaseIds() {}

  public static String next(Clock clock) {
    long millis = clock.millis();
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long msb = (millis << 16) | 0x7000L | (random.nextLong() & 0x0FFFL);
    long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(msb, lsb).toString();
  }

  /**
   * When a lease id made by {@link #next} was made, read from its first 48 bits; empty for an id
   * in any other layout.
   */
  public static Optional<Instant> createdAt(String leaseId) {
    try {
      UUID uuid = UUID.fromString(leaseId);
      if (uuid.version() != 7 || !uuid.toString().equals(leaseId)) {
        return Optional.empty();
      }
      return Optional.of(Instant.ofEpochMilli(uuid.getMostSignificantBits() >>> 16));
    } catch (IllegalArgumentException notAUuid) {
      return Optional.empty();
    }
  }
}
