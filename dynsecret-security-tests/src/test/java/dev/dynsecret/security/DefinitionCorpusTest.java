package dev.dynsecret.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynsecret.DynamicSecret;
import dev.dynsecret.InvalidRequestException;
import dev.dynsecret.InvalidTtlException;
import dev.dynsecret.ProviderConfig;
import dev.dynsecret.testkit.RecordingProvider;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A generated corpus of broken dynamic secret definitions: names, provider types, TTLs and lease
 * limits. Each is refused by {@link DynamicSecret.Builder#build()} with the specific exception
 * naming the field.
 */
class DefinitionCorpusTest {

  record Case(String description, UnaryOperator<DynamicSecret.Builder> change, String name,
      Class<? extends InvalidRequestException> type, String field, String fragment) {
    @Override
    public String toString() {
      return description;
    }
  }

  private static DynamicSecret.Builder valid(String name) {
    return DynamicSecret.builder(name)
        .provider(RecordingProvider.TYPE, ProviderConfig.empty())
        .defaultTtl(Duration.ofHours(1)).maxTtl(Duration.ofHours(8));
  }

  static Stream<Case> corpus() {
    List<Case> cases = new ArrayList<>();
    List<String> names = new ArrayList<>(List.of("", " ", "-orders", ".orders", "_orders",
        "orders api", "orders/api", "orders\\api", "orders:api", "orders;drop", "orders'", "örders",
        "orders\u00e9", "ｏrders", "orders\n", "\norders", "orders\u0000", "orders\t",
        "orders\u200b", "a".repeat(65), "a".repeat(100_000), "orders%2f", "..", "."));
    for (String name : names) {
      cases.add(new Case("name " + ApicConfigurationCorpusTest.abbreviate(
          ApicConfigurationCorpusTest.escape(name)), b -> b, name, InvalidRequestException.class,
          "name", "must be 1 to 64"));
    }
    cases.add(new Case("name null", b -> b, null, InvalidRequestException.class, "name", "was null"));
    for (String type : new String[] {null, "", " ", "\t"}) {
      cases.add(new Case("providerType " + (type == null ? "null" : "'"
          + ApicConfigurationCorpusTest.escape(type) + "'"), b -> b.provider(type,
          ProviderConfig.empty()), "orders", InvalidRequestException.class, "providerType",
          "is required"));
    }
    List<Duration> notPositive = List.of(Duration.ZERO, Duration.ofNanos(-1),
        Duration.ofSeconds(-1), Duration.ofHours(-1), Duration.ofSeconds(Long.MIN_VALUE),
        Duration.ofSeconds(Long.MIN_VALUE, 0).plusNanos(1));
    for (Duration ttl : notPositive) {
      cases.add(new Case("defaultTtl " + ttl, b -> b.defaultTtl(ttl), "orders",
          InvalidTtlException.class, "defaultTtl", "must be positive"));
      cases.add(new Case("maxTtl " + ttl, b -> b.maxTtl(ttl), "orders",
          InvalidTtlException.class, "maxTtl", "must be positive"));
    }
    cases.add(new Case("defaultTtl null", b -> b.defaultTtl(null).maxTtl(Duration.ofHours(1)),
        "orders", InvalidTtlException.class, "defaultTtl", "is required"));
    cases.add(new Case("neither TTL", b -> b.defaultTtl(null).maxTtl(null), "orders",
        InvalidTtlException.class, "defaultTtl", "is required"));
    for (Duration excess : List.of(Duration.ofNanos(1), Duration.ofSeconds(1),
        Duration.ofDays(365))) {
      cases.add(new Case("defaultTtl above maxTtl by " + excess,
          b -> b.defaultTtl(Duration.ofHours(8).plus(excess)), "orders",
          InvalidTtlException.class, "defaultTtl", "must not exceed maxTtl"));
    }
    // Durations so long that createdAt + maxTtl cannot be a point in time.
    for (Duration huge : List.of(Duration.ofSeconds(Long.MAX_VALUE),
        ChronoUnit.FOREVER.getDuration(), Duration.ofDays(365L * 1_000_000_000))) {
      cases.add(new Case("maxTtl " + huge, b -> b.maxTtl(huge), "orders",
          InvalidTtlException.class, "maxTtl", "must be at most"));
      cases.add(new Case("defaultTtl and maxTtl " + huge, b -> b.defaultTtl(huge).maxTtl(huge),
          "orders", InvalidTtlException.class, "defaultTtl", "must be at most"));
    }
    for (int limit : new int[] {0, -1, -100, Integer.MIN_VALUE}) {
      cases.add(new Case("leaseLimit " + limit, b -> b.leaseLimit(limit), "orders",
          InvalidRequestException.class, "leaseLimit", "must be positive"));
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("corpus")
  void refusedWithTheSpecificExceptionNamingTheField(Case c) {
    InvalidRequestException e = assertThrows(InvalidRequestException.class,
        () -> c.change().apply(valid(c.name())).build());

    assertEquals(c.type(), e.getClass(), e::getMessage);
    assertEquals(c.field(), e.field(), e::getMessage);
    assertTrue(e.getMessage().startsWith(c.field() + ": ")
        && e.getMessage().contains(c.fragment()), e::getMessage);
    assertTrue(ApicConfigurationCorpusTest.printable(e.getMessage()),
        () -> "control characters or a huge value echoed: "
            + ApicConfigurationCorpusTest.abbreviate(ApicConfigurationCorpusTest.escape(e.getMessage())));
  }

  @Test
  void theLongestAcceptedTtlsStillMakeValidLeases() {
    // The boundary next to the refused huge TTLs: accepted, so the rule is not "refuse all long".
    DynamicSecret secret = valid("orders").maxTtl(Duration.ofDays(36_500)).build();
    assertEquals(Duration.ofDays(36_500), secret.maxTtl());
  }
}
