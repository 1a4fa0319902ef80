package dev.dynsecret;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
  private final RetryPolicy policy =
      new RetryPolicy(10, Duration.ofSeconds(1), Duration.ofSeconds(30), 2.0, 0.5);

  @Test
  void delaysDoubleUntilTheCap() {
    assertEquals(Duration.ofSeconds(1), policy.baseDelay(1));
    assertEquals(Duration.ofSeconds(2), policy.baseDelay(2));
    assertEquals(Duration.ofSeconds(16), policy.baseDelay(5));
    assertEquals(Duration.ofSeconds(30), policy.baseDelay(6));
    assertEquals(Duration.ofSeconds(30), policy.baseDelay(500), "no overflow on huge counts");
  }

  @Test
  void jitterTakesAtMostItsFractionOff() {
    assertEquals(Duration.ofSeconds(16), policy.delay(5, 0.0));
    assertEquals(Duration.ofSeconds(12), policy.delay(5, 0.5));
    assertEquals(Duration.ofMillis(8001), policy.delay(5, 0.9999));
  }

  @Test
  void rejectsNonsenseNamingTheField() {
    assertEquals("maxAttempts", assertThrows(InvalidRequestException.class,
        () -> new RetryPolicy(0, Duration.ofSeconds(1), Duration.ofSeconds(1), 2, 0)).field());
    assertEquals("maxDelay", assertThrows(InvalidRequestException.class,
        () -> new RetryPolicy(3, Duration.ofSeconds(2), Duration.ofSeconds(1), 2, 0)).field());
    assertEquals("jitter", assertThrows(InvalidRequestException.class,
        () -> new RetryPolicy(3, Duration.ofSeconds(1), Duration.ofSeconds(1), 2, 1.5)).field());
    assertEquals("multiplier", assertThrows(InvalidRequestException.class,
        () -> new RetryPolicy(3, Duration.ofSeconds(1), Duration.ofSeconds(1), Double.NaN, 0)).field());
  }
}
