package dev.dynsecret.benchmarks;

import static dev.dynsecret.benchmarks.Scenarios.say;

import com.zaxxer.hikari.HikariDataSource;
import dev.dynsecret.DynamicSecret;
import dev.dynsecret.Lease;
import dev.dynsecret.LeaseListener;
import dev.dynsecret.LeaseManager;
import dev.dynsecret.LeaseState;
import dev.dynsecret.apic.ApiConnectProvider;
import dev.dynsecret.apic.simulator.ApicSimulator;
import dev.dynsecret.memory.MemoryLeaseStore;
import dev.dynsecret.spi.CreatedCredential;
import dev.dynsecret.spi.LeaseRecord;
import dev.dynsecret.spi.LeaseStore;
import dev.dynsecret.spi.ProviderConnection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Figures 7-9: background expiry at the provider's speed. A burst of due leases, each with a real
 * credential in the APIC simulator, is drained by managers started as an application starts them
 * ({@code start()}, real clock, defaults unless a figure sets the in-flight limit), while the
 * simulator holds every request 100 ms as a remote APIC would.
 *
 * <p>The credentials are made first through the APIC provider with no latency, and their leases
 * written straight into the store (active, expiring at a chosen instant), so that a figure spends
 * its time on the drain it measures, not on setting it up.
 */
final class DrainFigures {
  static final String SECRET = ApicFigures.SECRET;
  static final Duration LATENCY = Duration.ofMillis(100);
  /** Figure 8's request-rate limit on the simulator. */
  static final int RATE_LIMIT = 200;

  private DrainFigures() {}

  /**
   * Makes the simulator answer requests beyond {@code perSecond} with 429 and Retry-After;
   * the bucket holds one second's worth, as a per-second quota would.
   */
  static void limitRate(ApicSimulator sim, int perSecond) {
    sim.faults().rateLimit(perSecond, perSecond);
  }

  /** How many requests the simulator answered 429 because of its rate limit. */
  static long rateLimited(ApicSimulator sim) {
    return sim.rateLimitedCount();
  }

  /** Figure 7: drain rate against the in-flight limit, one manager, memory store. */
  static List<Row> drainRate(Scenarios.Mode mode) throws Exception {
    int leases = mode.pick(300, 10_000);
    int[] limits = mode.full() ? new int[] {8, 16, 32, 64, 128} : new int[] {16, 64};
    List<Row> rows = new ArrayList<>();
    try (SimulatedApic apic = new SimulatedApic(512)) {
      Drain defaults = drain(apic, Stores.memory(), 1, 0, leases, null, false);
      double ideal = ideal(InFlight.DEFAULT);
      rows.add(Row.judged(7, String.format("drain %,d due leases, 1 manager, defaults (%s %d),"
              + " memory store, simulator 100 ms per request", leases, InFlight.NAME,
              InFlight.DEFAULT),
          String.format("**%,.0f revoked/s = %.2f of ideal** (%d / 100 ms = %,.0f/s); %s",
              defaults.rate(), defaults.rate() / ideal, InFlight.DEFAULT, ideal, defaults.brief()),
          "≥ 0.9 of ideal, with a default limit ≥ 64",
          InFlight.DEFAULT >= 64 && defaults.rate() >= 0.9 * ideal));
      List<Double> x = new ArrayList<>(List.of((double) InFlight.DEFAULT));
      List<Double> y = new ArrayList<>(List.of(defaults.rate()));
      for (int limit : limits) {
        Drain d = drain(apic, Stores.memory(), 1, limit, leases, null, false);
        rows.add(Row.context(7, String.format("same run: %s %d", InFlight.NAME, limit),
            String.format("%,.0f revoked/s = %.2f of ideal (%,.0f/s); %s", d.rate(),
                d.rate() / ideal(limit), ideal(limit), d.brief())));
        x.add((double) limit);
        y.add(d.rate());
      }
      double[] xs = x.stream().mapToDouble(Double::doubleValue).sorted().toArray();
      double[] ys = new double[xs.length];
      for (int i = 0; i < xs.length; i++) {
        ys[i] = y.get(x.indexOf(xs[i]));
      }
      double[] ideals = Arrays.stream(xs).map(DrainFigures::ideal).toArray();
      Scenarios.plot("bench-drain-rate.svg", new Svg(
              String.format("Figure 7: draining %,d due leases, APIC at 100 ms per request", leases),
              "in-flight limit (" + InFlight.NAME + ")", "revoked per second", true, true)
          .add(new Svg.Series("measured, 1 manager", xs, ys, true, false))
          .add(new Svg.Series("ideal: limit / 100 ms", xs, ideals, false, true)));
    }
    return rows;
  }

  static double ideal(double limit) {
    return limit / (LATENCY.toNanos() / 1e9);
  }

  /** Figure 8: the same drain against a simulator limited to 200 requests per second. */
  static List<Row> rateLimited(Scenarios.Mode mode) throws Exception {
    int leases = mode.pick(300, 10_000);
    String what = String.format("drain %,d due leases, 1 manager, defaults, simulator 100 ms per"
        + " request and limited to %d requests/s (429 + Retry-After beyond)", leases, RATE_LIMIT);
    String aim = String.format("≥ %.0f/s (0.9 × %d/s), no lease REVOCATION_FAILED",
        0.9 * RATE_LIMIT, RATE_LIMIT);
    try (SimulatedApic apic = new SimulatedApic(512)) {
      Drain d = drain(apic, Stores.memory(), 1, 0, leases, null, true);
      long limited = rateLimited(apic.sim);
      return List.of(
          Row.judged(8, what, String.format("**%,.0f revoked/s**, %d REVOCATION_FAILED; %s",
              d.rate(), d.failed(), d.brief()), aim,
              d.rate() >= 0.9 * RATE_LIMIT && d.failed() == 0),
          Row.context(8, "same run: calls answered 429",
              String.format("%,d of %,d requests = %.1f %%", limited,
                  d.requests(), 100.0 * limited / Math.max(1, d.requests()))));
    }
  }

  /** Figure 9: lateness of revocation during the burst, 1 and 3 managers on PostgreSQL. */
  static List<Row> lateness(Scenarios.Mode mode, Postgres pg) throws Exception {
    int leases = mode.pick(300, 10_000);
    Duration margin = Duration.ofSeconds(mode.pick(8, 20));
    List<Row> rows = new ArrayList<>();
    Svg chart = new Svg(String.format("Figure 9: lateness of revocation, %,d leases expiring"
            + " together, PostgreSQL", leases), "credential deleted − lease expired (s)",
        "share of leases revoked", false, false).legendLowerRight();
    try (SimulatedApic apic = new SimulatedApic(512)) {
      for (int managers : new int[] {1, 3}) {
        Drain d = drain(apic, Stores.postgres(pg), managers, 0, leases, margin, false);
        long[] late = d.latenessMillis().clone();
        Arrays.sort(late);
        double p50 = Stats.percentile(late, 50) / 1e3;
        double p99 = Stats.percentile(late, 99) / 1e3;
        rows.add(new Row(9, String.format("lateness (credential deleted − lease expired), %,d"
                + " leases expiring at one instant, %d manager(s) on PostgreSQL, defaults (poll"
                + " every 5 s), simulator 100 ms per request", leases, managers),
            String.format("p50 **%.1f s**, p99 **%.1f s**, max %.1f s; %s", p50, p99,
                late[late.length - 1] / 1e3, d.brief()), "none set (reported)", ""));
        double[] xs = new double[Math.min(200, late.length) + 1];
        double[] ys = new double[xs.length];
        for (int i = 0; i < xs.length; i++) {
          int rank = (int) Math.round((double) i / (xs.length - 1) * (late.length - 1));
          xs[i] = late[rank] / 1e3;
          ys[i] = (rank + 1.0) / late.length;
        }
        chart.add(new Svg.Series(managers + " manager" + (managers > 1 ? "s" : ""), xs, ys, false,
            false));
      }
    }
    Scenarios.plot("bench-lateness.svg", chart);
    return rows;
  }

  /** What one drain gave. */
  record Drain(int leases, int managers, int limit, double seconds, double rate,
      long[] latenessMillis, long failed, long retries, long requests, List<Integer> split,
      int leftOnApic) {
    String brief() {
      return String.format("%,d in %.1f s, %d retries scheduled, %,d requests%s", leases, seconds,
          retries, requests, managers > 1 ? ", split " + split : "");
    }
  }

  /** Where a drain's leases are stored: one store per manager over shared data. */
  interface Stores extends AutoCloseable {
    LeaseStore node(int n);

    @Override
    void close();

    static Stores memory() {
      MemoryLeaseStore store = new MemoryLeaseStore();
      return new Stores() {
        @Override
        public LeaseStore node(int n) {
          return store;
        }

        @Override
        public void close() {}
      };
    }

    static Stores postgres(Postgres pg) {
      String prefix = pg.freshSchema();
      List<HikariDataSource> pools = new ArrayList<>();
      return new Stores() {
        private final Map<Integer, LeaseStore> stores = new java.util.HashMap<>();

        @Override
        public synchronized LeaseStore node(int n) {
          return stores.computeIfAbsent(n, k -> {
            HikariDataSource pool = pg.pool("drain-" + k, 10);
            pools.add(pool);
            return Postgres.store(pool, prefix);
          });
        }

        @Override
        public void close() {
          pools.forEach(HikariDataSource::close);
          pg.dropStore(prefix);
        }
      };
    }
  }

  /**
   * Makes {@code leases} credentials, stores their leases (expiring {@code expireIn} from when
   * they are stored; null: already expired), starts {@code managers} managers (in-flight limit
   * {@code limit}, 0 for the default) with the simulator at 100 ms per request, and waits until
   * every lease is revoked or failed for good.
   */
  static Drain drain(SimulatedApic apic, Stores stores, int managers, int limit, int leases,
      Duration expireIn, boolean rateLimited) throws Exception {
    try (stores) {
      apic.sim.faults().clear();
      List<LeaseRecord> made = credentials(apic, leases);
      Instant expiresAt = expireIn == null ? Instant.now().minusSeconds(1) : Instant.now().plus(expireIn);
      insert(stores.node(1), made, expiresAt);
      if (Instant.now().isAfter(expiresAt) && expireIn != null) {
        say("drain: storing the leases took longer than " + expireIn + "; lateness includes it");
      }
      Recorder recorder = new Recorder(leases);
      List<LeaseManager> started = new ArrayList<>();
      apic.sim.faults().latency(LATENCY);
      if (rateLimited) {
        limitRate(apic.sim, RATE_LIMIT);
      }
      long requestsBefore = apic.sim.requestCount();
      long startNanos = System.nanoTime();
      // When the leases fall due, on the nanoTime scale: now for a burst already expired.
      long dueNanos = startNanos + Math.max(0, Duration.between(Instant.now(), expiresAt).toNanos());
      try {
        for (int n = 1; n <= managers; n++) {
          LeaseManager.Builder b = LeaseManager.builder()
              .store(stores.node(n))
              .provider(new ApiConnectProvider())
              .discoverProviders(false)
              .nodeId("node-" + n)
              .listener(recorder.forNode(n))
              .secret(DynamicSecret.builder(SECRET)
                  .provider(ApiConnectProvider.TYPE, apic.config())
                  .defaultTtl(Duration.ofHours(1)).maxTtl(Duration.ofDays(30)).build());
          LeaseManager m = (limit > 0 ? InFlight.limit(b, limit) : b).build();
          started.add(m);
          m.start();
        }
        // Bounded: today's default (36/s) drains 10,000 in ~5 min.
        long timeoutSeconds = 120 + leases / 20;
        if (!recorder.done.await(timeoutSeconds, TimeUnit.SECONDS)) {
          say(String.format("drain: only %,d of %,d leases finished within %d s", leases
              - recorder.done.getCount(), leases, timeoutSeconds));
        }
        long finished = leases - recorder.done.getCount();
        double seconds = (recorder.last.get() - dueNanos) / 1e9;
        long requests = apic.sim.requestCount() - requestsBefore;
        started.forEach(LeaseManager::close);
        started.clear();
        apic.sim.faults().clear();
        Drain d = new Drain(leases, managers, limit, seconds, finished / seconds,
            recorder.lateness(), recorder.failed.sum(), recorder.retries.sum(), requests,
            recorder.split(managers), apic.sim.liveCredentialCount());
        say(String.format("drain: %d manager(s), limit %s: %,.0f revoked/s; %s; %d REVOCATION_FAILED;"
                + " %d credentials left on the simulator", managers,
            limit > 0 ? limit : "default", d.rate(), d.brief(), d.failed(), d.leftOnApic()));
        return d;
      } finally {
        started.forEach(LeaseManager::close);
        apic.sim.faults().clear();
      }
    }
  }

  /** Records when each lease finished, and how late. */
  private static final class Recorder {
    final CountDownLatch done;
    final LongAdder failed = new LongAdder();
    final LongAdder retries = new LongAdder();
    final AtomicLong first = new AtomicLong(Long.MAX_VALUE);
    final AtomicLong last = new AtomicLong();
    final ConcurrentLinkedQueue<Long> late = new ConcurrentLinkedQueue<>();
    final Map<Integer, LongAdder> byNode = new java.util.concurrent.ConcurrentHashMap<>();

    Recorder(int leases) {
      done = new CountDownLatch(leases);
    }

    LeaseListener forNode(int node) {
      LongAdder mine = byNode.computeIfAbsent(node, k -> new LongAdder());
      return new LeaseListener() {
        @Override
        public void expired(Lease lease) {
          late.add(Duration.between(lease.expiresAt(), lease.revokedAt()).toMillis());
          mine.increment();
          finish();
        }

        @Override
        public void revocationFailed(Lease lease) {
          failed.increment();
          finish();
        }

        @Override
        public void revocationRetryScheduled(Lease lease) {
          retries.increment();
        }
      };
    }

    void finish() {
      long now = System.nanoTime();
      first.accumulateAndGet(now, Math::min);
      last.accumulateAndGet(now, Math::max);
      done.countDown();
    }

    long[] lateness() {
      return late.stream().mapToLong(Long::longValue).toArray();
    }

    List<Integer> split(int managers) {
      List<Integer> s = new ArrayList<>();
      for (int n = 1; n <= managers; n++) {
        LongAdder a = byNode.get(n);
        s.add(a == null ? 0 : a.intValue());
      }
      return s;
    }
  }

  /**
   * Creates {@code count} credentials in the simulator through the APIC provider (no latency, 8
   * threads) and returns their leases, active, times still to be set.
   */
  static List<LeaseRecord> credentials(SimulatedApic apic, int count) throws Exception {
    long started = System.nanoTime();
    ProviderConnection handle = new ApiConnectProvider().connect(apic.config());
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<LeaseRecord>> futures = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        futures.add(pool.submit(() -> {
          LeaseRecord lease = record(Instant.now().plusSeconds(3600));
          CreatedCredential c = handle.create(lease.toLease());
          return lease.toBuilder().externalId(c.externalId()).metadata(c.metadata()).build();
        }));
      }
      List<LeaseRecord> made = new ArrayList<>();
      for (Future<LeaseRecord> f : futures) {
        made.add(f.get());
      }
      say(String.format("drain: %,d credentials made in %.1f s", count,
          (System.nanoTime() - started) / 1e9));
      return made;
    } finally {
      pool.shutdownNow();
      handle.close();
    }
  }

  /** Stores {@code leases} as active, expiring (and due) at {@code expiresAt}, on 4 threads. */
  static void insert(LeaseStore store, List<LeaseRecord> leases, Instant expiresAt) throws Exception {
    long started = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (LeaseRecord lease : leases) {
        futures.add(pool.submit(() -> store.insert(
            lease.toBuilder().expiresAt(expiresAt).dueAt(expiresAt).build())));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    say(String.format("drain: %,d leases stored in %.1f s", leases.size(),
        (System.nanoTime() - started) / 1e9));
  }

  static LeaseRecord record(Instant expiresAt) {
    Instant now = Instant.now();
    return LeaseRecord.builder()
        .id(ExpiryFigures.uuid())
        .secretName(SECRET)
        .state(LeaseState.ACTIVE)
        .createdAt(now.minusSeconds(60))
        .expiresAt(expiresAt)
        .hardLimitAt(now.plus(Duration.ofDays(30)))
        .version(1)
        .dueAt(expiresAt)
        .build();
  }
}
