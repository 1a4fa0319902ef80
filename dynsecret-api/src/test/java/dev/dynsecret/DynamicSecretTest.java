package dev.dynsecret;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynsecret.ProviderConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DynamicSecretTest {
  private static DynamicSecret.Builder valid(String name) {
    return DynamicSecret.builder(name).provider("recording", ProviderConfig.empty())
        .defaultTtl(Duration.ofMinutes(5)).maxTtl(Duration.ofHours(1));
  }

  @Test
  void maxTtlDefaultsToTheDefaultTtl() {
    DynamicSecret secret = DynamicSecret.builder("a").provider("p", ProviderConfig.empty())
        .defaultTtl(Duration.ofMinutes(5)).build();

    assertEquals(Duration.ofMinutes(5), secret.maxTtl());
    assertTrue(secret.leaseLimit().isEmpty());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "-starts-with-dash", "has space", "ünïcode", "x/y"})
  void rejectsBadNames(String name) {
    InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> valid(name).build());

    assertEquals("name", e.field());
    assertTrue(e.getMessage().contains("'" + name + "'"), e.getMessage());
  }

  @Test
  void rejectsANameLongerThan64() {
    assertThrows(InvalidRequestException.class, () -> valid("a".repeat(65)).build());
    assertEquals(64, valid("a".repeat(64)).build().name().length());
  }

  @Test
  void rejectsNonPositiveTtlsNamingTheField() {
    InvalidTtlException zero = assertThrows(InvalidTtlException.class,
        () -> valid("a").defaultTtl(Duration.ZERO).build());
    InvalidTtlException negative = assertThrows(InvalidTtlException.class,
        () -> valid("a").maxTtl(Duration.ofSeconds(-1)).build());
    InvalidTtlException missing = assertThrows(InvalidTtlException.class,
        () -> DynamicSecret.builder("a").provider("p", ProviderConfig.empty()).build());

    assertEquals("defaultTtl", zero.field());
    assertEquals("maxTtl", negative.field());
    assertEquals("defaultTtl: is required", missing.getMessage());
  }

  @Test
  void rejectsANonPositiveLeaseLimit() {
    InvalidRequestException e = assertThrows(InvalidRequestException.class,
        () -> valid("a").leaseLimit(0).build());

    assertEquals("leaseLimit: must be positive; was 0", e.getMessage());
  }

  @Test
  void rejectsAMissingProviderType() {
    InvalidRequestException e = assertThrows(InvalidRequestException.class,
        () -> DynamicSecret.builder("a").defaultTtl(Duration.ofMinutes(1)).build());

    assertEquals("providerType", e.field());
  }

  @Test
  void toStringHidesProviderConfigurationValues() {
    DynamicSecret secret = valid("a")
        .provider("p", ProviderConfig.builder().put("apiKey", "very-secret-key").build()).build();

    assertTrue(secret.toString().contains("apiKey"));
    assertTrue(!secret.toString().contains("very-secret-key"), secret.toString());
  }
}
