package dev.dynsecret.internal;

import dev.dynsecret.RetryPolicy;
import dev.dynsecret.spi.LeaseStore;
import java.time.Clock;
import java.time.Duration;

/** Everything the engine is configured with; built and checked by {@code LeaseManager.Builder}. */
public record EngineSettings(
    LeaseStore store,
    ProviderRegistry providers,
    Listeners listeners,
    Clock clock,
    String nodeId,
    Duration pollInterval,
    int parallelism,
    int batchSize,
    Duration claimTimeout,
    RetryPolicy retryPolicy,
    Duration pendingGrace,
    Duration historyRetention) {}
