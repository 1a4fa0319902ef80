package dev.dynsecret;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynsecret.internal.RenewalPlan;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Bad managed-credential options fail with the option's name and the rule; defaults fit. */
class ManagedCredentialOptionsTest {
  private static final DynamicSecret SECRET = DynamicSecret.builder("orders-api")
      .provider("recording", ProviderConfig.empty())
      .defaultTtl(Duration.ofHours(1))
      .maxTtl(Duration.ofHours(8))
      .build();

  private static void assertRejected(String option, String rule, Executable call) {
    InvalidRequestException e = assertThrows(InvalidRequestException.class, call);
    assertEquals(option, e.field());
    assertTrue(e.getMessage().contains(rule), () -> "message: " + e.getMessage());
  }

  private static RenewalPlan resolve(ManagedCredential.Options options) {
    return options.settings().resolve(SECRET);
  }

  @Test
  void eachSetterNamesTheOptionItRejects() {
    ManagedCredential.Options options = ManagedCredential.options();
    assertRejected("renewAt", "strictly between 0 and 1", () -> options.renewAt(1.0));
    assertRejected("renewAt", "strictly between 0 and 1", () -> options.renewAt(0));
    assertRejected("renewAt", "strictly between 0 and 1", () -> options.renewAt(Double.NaN));
    assertRejected("renewBefore", "positive", () -> options.renewBefore(Duration.ZERO));
    assertRejected("ttl", "positive", () -> options.ttl(Duration.ofSeconds(-1)));
    assertRejected("ttl", "positive", () -> options.ttl(null));
    assertRejected("jitter", "below 1", () -> options.jitter(1.0));
    assertRejected("jitter", "at least 0", () -> options.jitter(-0.1));
    assertRejected("overlap", "zero or positive", () -> options.overlap(Duration.ofMinutes(-1)));
    assertRejected("warnBefore", "positive", () -> options.warnBefore(Duration.ZERO));
    assertRejected("retryBackoff.first", "positive",
        () -> options.retryBackoff(Duration.ZERO, Duration.ofMinutes(1)));
    assertRejected("retryBackoff.max", "at least retryBackoff.first 1m",
        () -> options.retryBackoff(Duration.ofMinutes(1), Duration.ofSeconds(1)));
    assertRejected("listener", "required", () -> options.listener(null));
    assertRejected("listenerExecutor", "required", () -> options.listenerExecutor(null));
  }

  @Test
  void rulesAgainstTheSecretNameTheOptionToo() {
    assertRejected("ttl", "must not exceed the max TTL 8h",
        () -> resolve(ManagedCredential.options().ttl(Duration.ofHours(9))));
    assertThrows(InvalidTtlException.class,
        () -> resolve(ManagedCredential.options().ttl(Duration.ofHours(9))));
    assertRejected("renewBefore", "must be shorter than the TTL 1h",
        () -> resolve(ManagedCredential.options().renewBefore(Duration.ofHours(1))));
    assertRejected("overlap", "must be shorter than the time left at the renewal point (20m"
        + " with TTL 1h and renewAt 0.667)",
        () -> resolve(ManagedCredential.options().overlap(Duration.ofMinutes(20))));
    assertRejected("overlap", "(10m with TTL 1h and renewBefore 10m)",
        () -> resolve(ManagedCredential.options().renewBefore(Duration.ofMinutes(10))
            .overlap(Duration.ofMinutes(15))));
  }

  @Test
  void defaultsFollowTheSecretAndKeepTheOverlapInsideTheLead() {
    RenewalPlan plan = resolve(ManagedCredential.options());
    assertEquals(Duration.ofHours(1), plan.ttl());
    assertEquals(Duration.ofMinutes(5), plan.overlap());
    assertEquals(Duration.ofMinutes(5), plan.warnBefore());
    assertTrue(plan.revokeOnClose());

    // A 6-minute TTL leaves 2 minutes at the renewal point: half of it overlaps.
    RenewalPlan shortTtl = resolve(ManagedCredential.options().ttl(Duration.ofMinutes(6)));
    assertEquals(Duration.ofMinutes(1), shortTtl.overlap());
    assertEquals(Duration.ofMinutes(2), shortTtl.warnBefore());
  }

  @Test
  void optionsAreImmutableAndTheLastOfRenewAtAndRenewBeforeWins() {
    ManagedCredential.Options base = ManagedCredential.options();
    ManagedCredential.Options changed = base.renewBefore(Duration.ofMinutes(10)).renewAt(0.5);
    assertEquals(2.0 / 3, resolve(base).renewAt());
    assertEquals(null, resolve(changed).renewBefore());
    assertEquals(0.5, resolve(changed).renewAt());
    assertEquals(Duration.ofMinutes(10),
        resolve(base.renewAt(0.5).renewBefore(Duration.ofMinutes(10))).renewBefore());
  }
}
