package dev.dynsecret.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.dynsecret.DynamicSecret;
import dev.dynsecret.Lease;
import dev.dynsecret.LeaseManager;
import dev.dynsecret.memory.MemoryLeaseStore;
import dev.dynsecret.LeaseQuery;
import dev.dynsecret.spi.LeaseRecord;
import dev.dynsecret.spi.LeaseStore;
import dev.dynsecret.Page;
import dev.dynsecret.ProviderConfig;
import dev.dynsecret.testkit.RecordingProvider;
import dev.dynsecret.testkit.TestClock;
import dev.dynsecret.buildsupport.SecretsUsed;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.function.Executable;

/**
 * A lease manager whose store already holds leases in several states, and a way to prove a bad
 * call left every one of them exactly as it was.
 */
final class Fixture implements AutoCloseable {
  /** Fixed secrets of this module's tests, declared so the log search looks for them too. */
  static final String API_KEY = SecretsUsed.declare("sec-SECRET-apikey-c0ffee42");
  static final String CLIENT_SECRET = SecretsUsed.declare("sec-SECRET-toolkit-b4dc0de");

  static final String EXISTING = "existing";
  static final Duration DEFAULT_TTL = Duration.ofHours(1);
  static final Duration MAX_TTL = Duration.ofHours(8);

  final TestClock clock = TestClock.standard();
  final LeaseStore store;
  final RecordingProvider provider = new RecordingProvider();
  final LeaseManager manager;
  final List<Lease> seeded = new ArrayList<>();

  Fixture() {
    this(new MemoryLeaseStore());
  }

  Fixture(LeaseStore store) {
    this.store = store;
    this.manager = LeaseManager.builder().store(store).provider(provider).clock(clock)
        .secret(definition(EXISTING).toBuilder().leaseLimit(5).build())
        .build();
    // Active, renewed, revoked: a store with history, not an empty one.
    for (int i = 0; i < 3; i++) {
      seeded.add(manager.create(EXISTING).lease());
      clock.advance(Duration.ofMinutes(1));
    }
    manager.renew(seeded.get(1).id(), Duration.ofHours(2));
    manager.revoke(seeded.get(2).id());
  }

  /** A definition on the recording provider with the fixture's TTLs. */
  static DynamicSecret definition(String name) {
    return DynamicSecret.builder(name).provider(RecordingProvider.TYPE, ProviderConfig.empty())
        .defaultTtl(DEFAULT_TTL).maxTtl(MAX_TTL).build();
  }

  /** Every stored lease, in id order. */
  static List<LeaseRecord> snapshot(LeaseStore store) {
    List<LeaseRecord> all = new ArrayList<>();
    LeaseQuery query = LeaseQuery.all(500);
    while (true) {
      Page<LeaseRecord> page = store.query(query);
      all.addAll(page.items());
      if (!page.hasNext()) {
        return all;
      }
      query = query.after(page.nextCursor());
    }
  }

  List<LeaseRecord> snapshot() {
    return snapshot(store);
  }

  /** Runs {@code bad}, which must throw, and checks that no lease changed. */
  <T extends Throwable> T rejectsWithoutChange(Class<T> type, Executable bad) {
    List<LeaseRecord> before = snapshot();
    int creates = provider.createCalls();
    T thrown = assertThrows(type, bad);
    assertEquals(before, snapshot(), "a rejected call changed stored leases");
    assertEquals(creates, provider.createCalls(), "a rejected call reached the provider");
    return thrown;
  }

  @Override
  public void close() {
    manager.close();
  }
}
