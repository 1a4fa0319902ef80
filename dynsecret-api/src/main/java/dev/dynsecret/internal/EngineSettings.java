package dev.dynsecret.internal;

import dev.dynsecret.RetryPolicy;
import dev.dynsecret.spi.LeaseStore;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ThreadFactory;
import org.jspecify.annotations.Nullable;

/**
 * Everything the engine is configured with; built and checked by {@code LeaseManager.Builder}.
 * {@code maxInFlight} is the ceiling of the due-work window ({@link CallWindow}), {@code
 * claimBatchSize} the most leases claimed per store round trip. {@code orphanSweepInterval} is null when background work does not sweep orphans, {@code
 * threadFactory} when the engine names its own daemon threads.
 *
 * <p>{@code clock} is the clock every decision is made by: the store's {@link
 * LeaseStore#clock(Clock)}, which several nodes sharing the store agree on. {@code localClock} is
 * this node's own clock, kept only to tell how far off it is ({@code maxClockSkew}; background
 * work stops while it is further off if {@code refuseWorkOnClockSkew}).
 */
public record EngineSettings(
    LeaseStore store,
    ProviderRegistry providers,
    Listeners listeners,
    Clock clock,
    String nodeId,
    Duration pollInterval,
    int maxInFlight,
    int claimBatchSize,
    Duration claimTimeout,
    RetryPolicy retryPolicy,
    Duration pendingGrace,
    Duration historyRetention,
    @Nullable Duration orphanSweepInterval,
    @Nullable ThreadFactory threadFactory,
    Duration closeTimeout,
    Clock localClock,
    Duration maxClockSkew,
    boolean refuseWorkOnClockSkew) {

  /** Whether background work sweeps orphans (off unless an interval is set). */
  public boolean sweepsOrphans() {
    return orphanSweepInterval != null;
  }
}
