package dev.dynsecret.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LeaseIdsTest {
  @Test
  void idsSortByCreationTimeAndFitProviderNamingRules() {
    String earlier = LeaseIds.next(Clock.fixed(Instant.parse("2030-01-01T00:00:00Z"), ZoneOffset.UTC));
    String later = LeaseIds.next(Clock.fixed(Instant.parse("2030-01-01T00:00:00.001Z"), ZoneOffset.UTC));

    assertTrue(earlier.compareTo(later) < 0, earlier + " should sort before " + later);
    assertTrue(earlier.matches("[0-9a-f-]{36}"), earlier);
    assertEquals('7', earlier.charAt(14), "UUID version 7");
  }

  @Test
  void idsAreUniqueWithinOneMillisecond() {
    Clock clock = Clock.fixed(Instant.parse("2030-01-01T00:00:00Z"), ZoneOffset.UTC);
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 100_000; i++) {
      ids.add(LeaseIds.next(clock));
    }
    assertEquals(100_000, ids.size());
  }

  @Test
  void durationsReadLikeAPersonWritesThem() {
    assertEquals("1h30m", Durations.format(java.time.Duration.ofMinutes(90)));
    assertEquals("-5s", Durations.format(java.time.Duration.ofSeconds(-5)));
    assertEquals("250ms", Durations.format(java.time.Duration.ofMillis(250)));
    assertEquals("0s", Durations.format(java.time.Duration.ZERO));
  }

  @Test
  void theCreationTimeIsReadBackFromAnIdAndOtherIdsHaveNone() {
    Instant made = Instant.parse("2030-01-01T12:34:56.789Z");
    String id = LeaseIds.next(Clock.fixed(made, ZoneOffset.UTC));

    assertEquals(java.util.Optional.of(made), LeaseIds.createdAt(id));
    assertTrue(LeaseIds.createdAt("not-a-lease-id").isEmpty());
    assertTrue(LeaseIds.createdAt(java.util.UUID.randomUUID().toString()).isEmpty(), "version 4");
    assertTrue(LeaseIds.createdAt("1-1-1-1-1").isEmpty(), "lenient UUID syntax");
  }
}
