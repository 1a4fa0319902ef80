package dev.dynsecret.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynsecret.ConflictException;
import dev.dynsecret.DynamicSecret;
import dev.dynsecret.InvalidRequestException;
import dev.dynsecret.LeaseManager;
import dev.dynsecret.RetryPolicy;
import dev.dynsecret.apic.ApiConnectProvider;
import dev.dynsecret.ProviderConfig;
import dev.dynsecret.testkit.RecordingProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A generated corpus of bad {@link LeaseManager.Builder} settings and {@link RetryPolicy} values.
 * Each is refused with an {@link InvalidRequestException} naming the setting; building a second
 * manager over a store that already holds leases, and failing, leaves those leases alone.
 */
class ManagerSettingsCorpusTest {
  private Fixture fixture;

  record Case(String description, UnaryOperator<LeaseManager.Builder> change, String field,
      String fragment) {
    @Override
    public String toString() {
      return description;
    }
  }

  record PolicyCase(String description, int maxAttempts, Duration initial, Duration max,
      double multiplier, double jitter, String field) {
    @Override
    public String toString() {
      return description;
    }
  }

  @BeforeEach
  void start() {
    fixture = new Fixture();
  }

  @AfterEach
  void stop() {
    fixture.close();
  }

  static Stream<Case> corpus() {
    List<Case> cases = new ArrayList<>();
    cases.add(new Case("no store", b -> b.store(null), "store", "is required"));
    List<Duration> bad = new ArrayList<>();
    bad.add(null);
    bad.addAll(List.of(Duration.ZERO, Duration.ofNanos(-1), Duration.ofSeconds(-5),
        Duration.ofSeconds(Long.MIN_VALUE)));
    for (Duration d : bad) {
      cases.add(new Case("pollInterval " + d, b -> b.pollInterval(d), "pollInterval", "positive"));
      cases.add(new Case("claimTimeout " + d, b -> b.claimTimeout(d), "claimTimeout", "positive"));
      cases.add(new Case("pendingGracePeriod " + d, b -> b.pendingGracePeriod(d),
          "pendingGracePeriod", "positive"));
      cases.add(new Case("historyRetention " + d, b -> b.historyRetention(d), "historyRetention",
          "positive"));
    }
    for (int n : new int[] {0, -1, 1025, Integer.MIN_VALUE, Integer.MAX_VALUE}) {
      cases.add(new Case("maxInFlight " + n, b -> b.maxInFlight(n), "maxInFlight", "1 to 1024"));
    }
    for (int n : new int[] {0, -1, 10_001, Integer.MIN_VALUE, Integer.MAX_VALUE}) {
      cases.add(new Case("claimBatchSize " + n, b -> b.claimBatchSize(n), "claimBatchSize",
          "1 to 10000"));
    }
    for (String node : new String[] {"", " ", "\t\n", "n".repeat(129), "n".repeat(100_000)}) {
      cases.add(new Case("nodeId of " + node.length() + " characters",
          b -> b.nodeId(node), "nodeId", "1 to 128 characters"));
    }
    // A secret given to the builder is registered by build(); a bad one fails the build.
    cases.add(new Case("secret of an unknown provider type", b -> b.secret(
        DynamicSecret.builder("orders").provider("no-such-provider", ProviderConfig.empty())
            .defaultTtl(Duration.ofHours(1)).build()), "providerType", "no provider of type"));
    cases.add(new Case("secret with a broken APIC configuration", b -> b.secret(
        DynamicSecret.builder("orders").provider(ApiConnectProvider.TYPE,
            ProviderConfig.of(Map.of("url", "http://platform-api.example.com")))
            .defaultTtl(Duration.ofHours(1)).build()), "url", "must use https"));
    cases.add(new Case("the same secret twice", b -> b.secret(Fixture.definition("twice"))
        .secret(Fixture.definition("twice")), null, "registered already"));
    return cases.stream();
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("corpus")
  void aSecondManagerWithABadSettingIsRefusedAndTheSharedStoreIsUntouched(Case c) {
    LeaseManager.Builder builder = LeaseManager.builder().store(fixture.store)
        .provider(new RecordingProvider()).clock(fixture.clock).nodeId("second");
    RuntimeException e = fixture.rejectsWithoutChange(RuntimeException.class,
        () -> c.change().apply(builder).build().close());

    if (c.field() == null) {
      assertEquals(ConflictException.class, e.getClass(), e::getMessage);
    } else {
      assertEquals(InvalidRequestException.class, e.getClass(), e::getMessage);
      assertEquals(c.field(), ((InvalidRequestException) e).field(), e::getMessage);
    }
    assertTrue(e.getMessage().contains(c.fragment()), e::getMessage);
    assertTrue(ApicConfigurationCorpusTest.printable(e.getMessage()), "huge or unprintable");
    // The first manager still works on the same store.
    fixture.manager.renew(fixture.seeded.get(0).id());
  }

  static Stream<PolicyCase> policies() {
    Duration s = Duration.ofSeconds(1);
    Duration m = Duration.ofMinutes(1);
    return Stream.of(
        new PolicyCase("maxAttempts 0", 0, s, m, 2, 0.2, "maxAttempts"),
        new PolicyCase("maxAttempts -1", -1, s, m, 2, 0.2, "maxAttempts"),
        new PolicyCase("maxAttempts MIN", Integer.MIN_VALUE, s, m, 2, 0.2, "maxAttempts"),
        new PolicyCase("initialDelay null", 3, null, m, 2, 0.2, "initialDelay"),
        new PolicyCase("initialDelay 0", 3, Duration.ZERO, m, 2, 0.2, "initialDelay"),
        new PolicyCase("initialDelay negative", 3, s.negated(), m, 2, 0.2, "initialDelay"),
        new PolicyCase("maxDelay null", 3, s, null, 2, 0.2, "maxDelay"),
        new PolicyCase("maxDelay below initialDelay", 3, m, s, 2, 0.2, "maxDelay"),
        new PolicyCase("multiplier 0.5", 3, s, m, 0.5, 0.2, "multiplier"),
        new PolicyCase("multiplier 0", 3, s, m, 0, 0.2, "multiplier"),
        new PolicyCase("multiplier NaN", 3, s, m, Double.NaN, 0.2, "multiplier"),
        new PolicyCase("multiplier -inf", 3, s, m, Double.NEGATIVE_INFINITY, 0.2, "multiplier"),
        new PolicyCase("jitter -0.1", 3, s, m, 2, -0.1, "jitter"),
        new PolicyCase("jitter 1.1", 3, s, m, 2, 1.1, "jitter"),
        new PolicyCase("jitter NaN", 3, s, m, 2, Double.NaN, "jitter"),
        new PolicyCase("jitter +inf", 3, s, m, 2, Double.POSITIVE_INFINITY, "jitter"));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("policies")
  void aBadRetryPolicyIsRefusedNamingTheField(PolicyCase c) {
    InvalidRequestException e = assertThrows(InvalidRequestException.class,
        () -> new RetryPolicy(c.maxAttempts(), c.initial(), c.max(), c.multiplier(), c.jitter()));
    assertEquals(c.field(), e.field(), e::getMessage);
  }
}
