package dev.dynsecret.internal;

import dev.dynsecret.DynamicSecret;
import dev.dynsecret.ProviderConfig;
import dev.dynsecret.RetryPolicy;
import dev.dynsecret.fixtures.MutableClock;
import dev.dynsecret.fixtures.SimpleStore;
import dev.dynsecret.fixtures.StubProvider;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** The engine's parts wired as LeaseManager wires them, over a simple store and a stub provider. */
final class Engine {
  static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
  static final String SECRET = "orders-api";
  static final Duration TTL = Duration.ofHours(1);
  static final Duration MAX_TTL = Duration.ofHours(8);
  static final Duration CLAIM_TIMEOUT = Duration.ofMinutes(2);
  static final Duration GRACE = Duration.ofMinutes(5);

  final MutableClock clock = new MutableClock(T0);
  final SimpleStore store = new SimpleStore();
  final StubProvider provider;
  final EngineSettings settings;
  final SecretRegistry secrets;
  final LeaseReads reads;
  final Creation creation;
  final Renewal renewal;
  final Revocation revocation;
  final BulkRevocation bulk;
  final Reconciliation reconciliation;
  final OrphanSweep orphans;
  final DueWork due;

  Engine() {
    this(new StubProvider());
  }

  Engine(StubProvider provider) {
    this.provider = provider;
    settings = new EngineSettings(store,
        ProviderRegistry.create(List.of(provider), false, Engine.class.getClassLoader()),
        new Listeners(List.of()), clock, "node-a", Duration.ofSeconds(5), 1, 100, CLAIM_TIMEOUT,
        RetryPolicy.DEFAULT, GRACE, Duration.ofDays(7), null, null, Duration.ofSeconds(5),
        clock, Duration.ofSeconds(5), false);
    secrets = new SecretRegistry(settings.providers(),
        new ProviderSignals(settings.listeners()));
    reads = new LeaseReads(store);
    creation = new Creation(settings, secrets);
    renewal = new Renewal(settings, secrets, reads);
    revocation = new Revocation(settings, secrets, reads);
    bulk = new BulkRevocation(secrets, reads, revocation);
    reconciliation = new Reconciliation(settings, secrets, reads, revocation);
    orphans = new OrphanSweep(settings, secrets, reads);
    due = new DueWork(settings, revocation, new CallWindow(settings));
    secrets.register(definition(SECRET).build());
  }

  static DynamicSecret.Builder definition(String name) {
    return DynamicSecret.builder(name).provider(StubProvider.TYPE, ProviderConfig.empty())
        .defaultTtl(TTL).maxTtl(MAX_TTL);
  }
}
