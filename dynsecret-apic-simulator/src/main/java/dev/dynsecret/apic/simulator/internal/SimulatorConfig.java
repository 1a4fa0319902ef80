package dev.dynsecret.apic.simulator.internal;

import dev.dynsecret.Secret;
import dev.dynsecret.apic.simulator.ApiKeyPolicy;
import java.time.Clock;
import java.time.Duration;

/**
 * Everything a simulator is started with, checked by the public builder. Secrets are held as
 * {@link Secret}, so this record's {@code toString()} shows none of them.
 */
public record SimulatorConfig(
    String host,
    int port,
    int threads,
    boolean https,
    Clock clock,
    Duration tokenTtl,
    Secret apiKey,
    ApiKeyPolicy apiKeyPolicy,
    String clientId,
    Secret clientSecret,
    String orgName,
    String catalogName,
    String consumerOrgName,
    String appName,
    int maxPageSize,
    int createStatus,
    int deleteStatus,
    int duplicateStatus,
    long faultSeed,
    Duration maxStall,
    double rateLimit,
    int rateLimitBurst) {}
