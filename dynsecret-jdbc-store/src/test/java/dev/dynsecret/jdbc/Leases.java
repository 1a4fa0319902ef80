package dev.dynsecret.jdbc;

import dev.dynsecret.spi.LeaseRecord;
import dev.dynsecret.LeaseState;
import java.time.Duration;
import java.time.Instant;

/** Leases for tests. */
final class Leases {
  static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

  private Leases() {}

  /** An active lease of {@code secret}, created at T0, due (expiring) at {@code dueAt}. */
  static LeaseRecord active(String id, String secret, Instant dueAt) {
    return LeaseRecord.builder()
        .id(id)
        .secretName(secret)
        .externalId("ext-" + id)
        .state(LeaseState.ACTIVE)
        .createdAt(T0)
        .expiresAt(dueAt == null ? T0.plus(Duration.ofHours(1)) : dueAt)
        .hardLimitAt(T0.plus(Duration.ofHours(8)))
        .dueAt(dueAt)
        .build();
  }
}
