package dev.dynsecret.benchmarks.jmh;

import dev.dynsecret.spi.LeaseRecord;
import dev.dynsecret.LeaseState;
import dev.dynsecret.memory.MemoryLeaseStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
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

/**
 * The memory store's primitive operations over a store of {@code stored} leases: a lookup, a
 * compare-and-set update, and a claim of nothing due (what every idle poll costs).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class MemoryStoreBenchmark {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

  @Param({"10000", "1000000"})
  public int stored;

  private MemoryLeaseStore store;
  private String[] ids;

  @Setup(Level.Trial)
  public void setUp() {
    store = new MemoryLeaseStore();
    ids = new String[stored];
    ThreadLocalRandom r = ThreadLocalRandom.current();
    for (int i = 0; i < stored; i++) {
      String id = new UUID(r.nextLong(), r.nextLong()).toString();
      ids[i] = id;
      Instant expires = T0.plusSeconds(3600 + i);
      store.insert(LeaseRecord.builder().id(id).secretName("bench").externalId(id + "x")
          .state(LeaseState.ACTIVE).createdAt(T0).expiresAt(expires)
          .hardLimitAt(T0.plus(Duration.ofHours(8))).metadata(Map.of("credentialName", "dynsecret-" + id))
          .version(1).dueAt(expires).build());
    }
  }

  private String anyId() {
    return ids[ThreadLocalRandom.current().nextInt(ids.length)];
  }

  @Benchmark
  public Object find() {
    return store.find(anyId());
  }

  /** Read, then write the same lease back with a new expiry: what a renewal does to the store. */
  @Benchmark
  public Object renewLikeUpdate() {
    LeaseRecord lease = store.find(anyId()).orElseThrow();
    Instant expires = lease.expiresAt().plusNanos(1000);
    return store.update(lease.toBuilder().expiresAt(expires).dueAt(expires).build());
  }

  /** A poll when nothing is due. */
  @Benchmark
  public Object claimNothingDue() {
    return store.claimDue("node", T0, Duration.ofMinutes(2), 100);
  }
}
