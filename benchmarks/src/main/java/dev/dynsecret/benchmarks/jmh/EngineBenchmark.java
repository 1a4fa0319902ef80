package dev.dynsecret.benchmarks.jmh;

import dev.dynsecret.DynamicSecret;
import dev.dynsecret.LeaseManager;
import dev.dynsecret.benchmarks.NoopProvider;
import dev.dynsecret.memory.MemoryLeaseStore;
import dev.dynsecret.ProviderConfig;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The library's own cost of a lease: create + revoke through {@link LeaseManager} on the memory
 * store with the no-op provider, so no network is involved. Compare with the ~hundreds of
 * microseconds one HTTP round trip to APIC costs (figure 2 in docs/benchmarks.md).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class EngineBenchmark {
  /** Leases stored before measuring: the cost must not grow with them. */
  @Param({"0", "100000"})
  public int stored;

  private MemoryLeaseStore store;
  private LeaseManager manager;

  @Setup(Level.Trial)
  public void setUp() {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    store = new MemoryLeaseStore();
    manager = LeaseManager.builder().store(store).provider(new NoopProvider())
        .discoverProviders(false)
        .secret(DynamicSecret.builder("bench").provider(NoopProvider.TYPE, ProviderConfig.empty())
            .defaultTtl(Duration.ofHours(1)).maxTtl(Duration.ofHours(8)).build())
        .build();
    for (int i = 0; i < stored; i++) {
      manager.create("bench");
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    manager.close();
    store.close();
  }

  @Benchmark
  public Object createAndRevoke() {
    return manager.revoke(manager.create("bench").lease().id());
  }

  @Benchmark
  public Object createOnly() {
    return manager.create("bench");
  }
}
