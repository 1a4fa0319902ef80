package dev.dynsecret.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynsecret.DynamicSecretException;
import dev.dynsecret.InvalidRequestException;
import dev.dynsecret.InvalidTtlException;
import dev.dynsecret.LeaseLimitExceededException;
import dev.dynsecret.LeaseStateException;
import dev.dynsecret.NotFoundException;
import dev.dynsecret.jdbc.JdbcLeaseStore;
import dev.dynsecret.memory.MemoryLeaseStore;
import dev.dynsecret.spi.LeaseStore;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A generated corpus of bad lease requests: TTLs on create and renew that are not positive, pass
 * the max TTL or the hard limit, or are too large to be a point in time; unknown, blank and
 * finished leases; unknown secrets; a full lease limit. Each gets its specific exception naming
 * the problem, on the memory store and on H2, and every stored lease stays exactly as it was.
 */
class LeaseRequestCorpusTest {

  /** A bad call on a fixture, and what it must throw. */
  record Case(String description, Consumer<Fixture> scene, Function<Fixture, Object> call,
      Class<? extends DynamicSecretException> type, String field, String fragment) {
    Case(String description, Function<Fixture, Object> call,
        Class<? extends DynamicSecretException> type, String field, String fragment) {
      this(description, f -> {}, call, type, field, fragment);
    }

    @Override
    public String toString() {
      return description;
    }
  }

  static Stream<Supplier<LeaseStore>> stores() {
    return Stream.of(MemoryLeaseStore::new, () -> {
      JdbcDataSource h2 = new JdbcDataSource();
      // DB_CLOSE_DELAY keeps the in-memory database between the store's connections.
      h2.setURL("jdbc:h2:mem:corpus-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
      // The fixture drives a TestClock: decide by it, not by the database's clock.
      return JdbcLeaseStore.builder(h2).createSchema(true).useDatabaseClock(false).build();
    });
  }

  static List<Case> cases() {
    List<Case> cases = new ArrayList<>();
    List<Duration> notPositive = List.of(Duration.ZERO, Duration.ofNanos(-1),
        Duration.ofMillis(-1), Duration.ofDays(-1), Duration.ofSeconds(Long.MIN_VALUE));
    List<Duration> huge = List.of(Duration.ofSeconds(Long.MAX_VALUE),
        ChronoUnit.FOREVER.getDuration(), Duration.ofDays(365L * 1_000_000_000),
        Duration.ofDays(36_500));
    for (Duration ttl : notPositive) {
      cases.add(new Case("create ttl " + ttl, f -> f.manager.create(Fixture.EXISTING, ttl),
          InvalidTtlException.class, "ttl", "must be positive"));
      cases.add(new Case("renew ttl " + ttl, f -> f.manager.renew(f.seeded.get(0).id(), ttl),
          InvalidTtlException.class, "ttl", "must be positive"));
    }
    for (Duration excess : List.of(Duration.ofNanos(1), Duration.ofSeconds(1),
        Duration.ofHours(1))) {
      cases.add(new Case("create ttl maxTtl + " + excess,
          f -> f.manager.create(Fixture.EXISTING, Fixture.MAX_TTL.plus(excess)),
          InvalidTtlException.class, "ttl", "must not exceed the max TTL"));
      cases.add(new Case("renew past the hard limit by " + excess,
          f -> f.manager.renew(f.seeded.get(0).id(), Duration.between(f.clock.instant(),
              f.seeded.get(0).hardLimitAt()).plus(excess)),
          InvalidTtlException.class, "ttl", "would pass its hard limit"));
    }
    for (Duration ttl : huge) {
      cases.add(new Case("create ttl " + ttl, f -> f.manager.create(Fixture.EXISTING, ttl),
          InvalidTtlException.class, "ttl", "must not exceed the max TTL"));
      cases.add(new Case("renew ttl " + ttl, f -> f.manager.renew(f.seeded.get(0).id(), ttl),
          InvalidTtlException.class, "ttl", "would pass its hard limit"));
    }
    cases.add(new Case("renew a revoked lease", f -> f.manager.renew(f.seeded.get(2).id()),
        LeaseStateException.class, null, "cannot be renewed"));
    cases.add(new Case("renew an expired lease", f -> f.clock.advance(Duration.ofHours(3)),
        f -> f.manager.renew(f.seeded.get(0).id()), LeaseStateException.class, null, "expired"));
    for (String id : new String[] {"no-such-lease", UUID.randomUUID().toString(), "'; drop table x;--"}) {
      cases.add(new Case("renew unknown lease " + ApicConfigurationCorpusTest.abbreviate(id),
          f -> f.manager.renew(id), NotFoundException.class, null, "no lease with id"));
      cases.add(new Case("revoke unknown lease " + ApicConfigurationCorpusTest.abbreviate(id),
          f -> f.manager.revoke(id), NotFoundException.class, null, "no lease with id"));
    }
    for (String odd : new String[] {"x".repeat(10_000), "x".repeat(129), "lease\nforged log line"}) {
      String shown = ApicConfigurationCorpusTest.abbreviate(ApicConfigurationCorpusTest.escape(odd));
      cases.add(new Case("renew lease id " + shown, f -> f.manager.renew(odd),
          InvalidRequestException.class, "leaseId", "must be at most 128 characters without control"));
      cases.add(new Case("revoke lease id " + shown, f -> f.manager.revoke(odd),
          InvalidRequestException.class, "leaseId", "must be at most 128 characters without control"));
    }
    for (String blank : new String[] {null, "", " ", "\t"}) {
      String shown = blank == null ? "null" : "'" + ApicConfigurationCorpusTest.escape(blank) + "'";
      cases.add(new Case("renew lease id " + shown, f -> f.manager.renew(blank),
          InvalidRequestException.class, "leaseId", "is required"));
      cases.add(new Case("revoke lease id " + shown, f -> f.manager.revoke(blank),
          InvalidRequestException.class, "leaseId", "is required"));
    }
    cases.add(new Case("create for no secret name", f -> f.manager.create(null),
        InvalidRequestException.class, "secretName", "is required"));
    for (String name : new String[] {"unknown", "", "EXISTING", "existing ", "x".repeat(10_000)}) {
      cases.add(new Case("create for unknown secret '" + ApicConfigurationCorpusTest.abbreviate(name)
          + "'", f -> f.manager.create(name), NotFoundException.class, null,
          "no dynamic secret named"));
    }
    cases.add(new Case("create past the lease limit", f -> {
      for (int i = 0; i < 3; i++) {
        f.manager.create(Fixture.EXISTING);
      }
    }, f -> f.manager.create(Fixture.EXISTING), LeaseLimitExceededException.class, null,
        "has reached its lease limit of 5"));
    return cases;
  }

  static Stream<Arguments> corpus() {
    List<Arguments> all = new ArrayList<>();
    List<Supplier<LeaseStore>> stores = stores().toList();
    String[] storeNames = {"memory", "H2"};
    for (int s = 0; s < stores.size(); s++) {
      for (Case c : cases()) {
        all.add(Arguments.of(storeNames[s], stores.get(s), c));
      }
    }
    return all.stream();
  }

  @ParameterizedTest(name = "[{index}] {0}: {2}")
  @MethodSource("corpus")
  void refusedWithTheSpecificExceptionAndNothingStoredChanges(
      String storeName, Supplier<LeaseStore> store, Case c) {
    try (Fixture f = new Fixture(store.get())) {
      // Some cases set the scene first (move the clock, fill the limit); compare after that.
      c.scene().accept(f);
      DynamicSecretException e = f.rejectsWithoutChange(DynamicSecretException.class,
          () -> c.call().apply(f));
      assertEquals(c.type(), e.getClass(), e::getMessage);
      if (c.field() != null) {
        assertEquals(c.field(), ((InvalidRequestException) e).field(), e::getMessage);
      }
      assertTrue(e.getMessage().contains(c.fragment()), e::getMessage);
    }
  }
}
