package dev.dynsecret.benchmarks;

import static dev.dynsecret.benchmarks.Scenarios.say;

import com.zaxxer.hikari.HikariDataSource;
import dev.dynsecret.DynamicSecret;
import dev.dynsecret.spi.LeaseRecord;
import dev.dynsecret.LeaseManager;
import dev.dynsecret.LeaseState;
import dev.dynsecret.memory.MemoryLeaseStore;
import dev.dynsecret.ProviderConfig;
import dev.dynsecret.testkit.TestClock;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Figure 6: heap per stored lease, engine heap over a JDBC store, start-up time. */
final class FootprintFigures {
  private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

  private FootprintFigures() {}

  /** Used heap after full collections; several, so finalizers and soft references settle. */
  static long usedAfterGc() {
    for (int i = 0; i < 3; i++) {
      MEMORY.gc();
    }
    return MEMORY.getHeapMemoryUsage().getUsed();
  }

  static List<Row> memoryStore(Scenarios.Mode mode) {
    int n = mode.pick(200_000, 1_000_000);
    List<Row> lines = new ArrayList<>();
    // Minimal: id, secret name, state and the three times, each lease with its own Instants.
    double minimal = perLease(n, store -> {
      Instant base = Instant.parse("2030-01-01T00:00:00Z");
      for (int i = 0; i < n; i++) {
        Instant created = base.plusMillis(i);
        Instant expires = created.plusSeconds(3600);
        store.insert(LeaseRecord.builder().id(ExpiryFigures.uuid()).secretName("bench")
            .state(LeaseState.ACTIVE).createdAt(created).expiresAt(expires)
            .hardLimitAt(created.plusSeconds(8 * 3600)).dueAt(expires).version(1).build());
      }
    });
    // As the engine stores them: created through LeaseManager with a provider that returns an
    // external id (36 characters) and the credential name in metadata, as the APIC provider does.
    double engine = perLease(n, store -> {
      try (LeaseManager manager = LeaseManager.builder().store(store).provider(new NoopProvider())
          .discoverProviders(false)
          .secret(DynamicSecret.builder("bench").provider(NoopProvider.TYPE, ProviderConfig.empty())
              .defaultTtl(Duration.ofHours(1)).maxTtl(Duration.ofHours(8)).build())
          .build()) {
        for (int i = 0; i < n; i++) {
          manager.create("bench");
        }
      }
    });
    lines.add(Row.judged(6, String.format("heap per active lease, memory store, %,d leases, minimal"
        + " (no external id, no metadata)", n), String.format("**%.0f bytes**", minimal), "≤ 300",
        minimal <= 300));
    lines.add(Row.judged(6, String.format("heap per active lease, memory store, %,d leases created"
        + " through LeaseManager (external id + credential name, as APIC)", n),
        String.format("**%.0f bytes**", engine), "≤ 300", engine <= 300));
    return lines;
  }

  interface Fill {
    void into(MemoryLeaseStore store);
  }

  private static double perLease(int n, Fill fill) {
    long before = usedAfterGc();
    MemoryLeaseStore store = new MemoryLeaseStore();
    long start = System.nanoTime();
    fill.into(store);
    double seconds = (System.nanoTime() - start) / 1e9;
    long after = usedAfterGc();
    Reference.reachabilityFence(store);
    double per = (double) (after - before) / n;
    say(String.format("%,d leases in %.1f s: %,d bytes retained, %.0f per lease", n, seconds,
        after - before, per));
    store.close();
    return per;
  }

  /**
   * Engine heap over PostgreSQL with few and with many stored leases, and start-up time (store +
   * manager built, first processDue with nothing due). A cold start (first in this JVM for that
   * table) and the median of three more are reported.
   */
  static List<Row> jdbcEngine(Scenarios.Mode mode, Postgres pg) {
    int large = mode.pick(200_000, 1_000_000);
    List<Row> lines = new ArrayList<>();
    long[] heap = new long[2];
    double[][] startup = new double[2][];
    int[] sizes = {10_000, large};
    for (int k = 0; k < 2; k++) {
      String prefix = pg.freshSchema();
      Instant hardLimit = ExpiryFigures.T0.plus(Duration.ofDays(30));
      for (int from = 1; from <= sizes[k]; from += 250_000) {
        pg.bulkInsert(prefix, ExpiryFigures.SECRET, "s", from, Math.min(sizes[k], from + 249_999),
            ExpiryFigures.T0, ExpiryFigures.NOT_DUE, hardLimit);
      }
      pg.analyze(prefix);
      try (HikariDataSource pool = pg.pool("startup", ExpiryFigures.PARALLELISM + 2)) {
        startup[k] = new double[4];
        for (int run = 0; run < 4; run++) {
          long before = usedAfterGc();
          long start = System.nanoTime();
          LeaseManager manager = ExpiryFigures.manager(Postgres.store(pool, prefix),
              TestClock.at(ExpiryFigures.T0), "node-1", ExpiryFigures.BATCH, ExpiryFigures.PARALLELISM);
          int worked = manager.processDue();
          startup[k][run] = (System.nanoTime() - start) / 1e6;
          if (worked != 0) {
            throw new IllegalStateException("nothing should be due; worked " + worked);
          }
          long after = usedAfterGc();
          Reference.reachabilityFence(manager);
          if (run == 3) {
            heap[k] = after - before;
          }
          manager.close();
        }
      }
      pg.dropStore(prefix);
      say(String.format("%,d stored: start-up ms %s, engine heap %,d bytes", sizes[k],
          java.util.Arrays.toString(startup[k]), heap[k]));
    }
    // Flat: the engine keeps no per-lease state (1 MiB of slack covers GC noise).
    lines.add(Row.judged(6, "engine heap after start-up + processDue, PostgreSQL store",
        String.format("%,d stored: **%,d KiB**; 10,000 stored: %,d KiB", large, heap[1] / 1024,
            heap[0] / 1024), "flat", heap[1] - heap[0] < (1 << 20)));
    lines.add(Row.judged(6, String.format("start-up (build store + manager, first processDue,"
            + " nothing due), PostgreSQL, %,d stored", large),
        String.format("cold **%.0f ms**, warm median %.0f ms (10,000 stored: cold %.0f ms, warm"
            + " %.0f ms)", startup[1][0],
            ExpiryFigures.median(java.util.Arrays.copyOfRange(startup[1], 1, 4)), startup[0][0],
            ExpiryFigures.median(java.util.Arrays.copyOfRange(startup[0], 1, 4))),
        "< 1 s", startup[1][0] < 1000));
    return lines;
  }
}
