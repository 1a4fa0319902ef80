package dev.dynsecret.reliability;

import dev.dynsecret.Lease;
import dev.dynsecret.ProviderConfig;
import dev.dynsecret.spi.CreatedCredential;
import dev.dynsecret.spi.CredentialListing;
import dev.dynsecret.spi.CredentialLookup;
import dev.dynsecret.spi.CredentialRef;
import dev.dynsecret.spi.DynamicSecretProvider;
import dev.dynsecret.spi.ProviderConnection;
import dev.dynsecret.testkit.RecordingProvider;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One node's view of a shared {@link RecordingProvider}: each delete takes {@code latency} (a
 * provider at the other end of a network, so that calls are in flight when something fails) and
 * is written down with the node that made it and the real time it completed. The system clock
 * is the reference: the embedded PostgreSQL runs on the same machine, so it is the database's
 * clock too.
 */
final class TimedProvider implements DynamicSecretProvider {
  /** A completed delete: which lease, by which node, when (system clock). */
  record Delete(String leaseId, String node, Instant at) {}

  /** What every node's provider writes to. */
  static final class Calls {
    final List<Delete> deletes = new CopyOnWriteArrayList<>();
    final AtomicInteger inFlight = new AtomicInteger();
  }

  private final RecordingProvider shared;
  private final String node;
  private final Duration latency;
  private final Calls calls;

  TimedProvider(RecordingProvider shared, String node, Duration latency, Calls calls) {
    this.shared = shared;
    this.node = node;
    this.latency = latency;
    this.calls = calls;
  }

  @Override
  public String type() {
    return shared.type();
  }

  @Override
  public ProviderConnection connect(ProviderConfig config) {
    ProviderConnection real = shared.connect(config);
    return new ProviderConnection() {
      @Override
      public CreatedCredential create(Lease lease) {
        return real.create(lease);
      }

      @Override
      public void revoke(CredentialRef credential) {
        calls.inFlight.incrementAndGet();
        try {
          pause();
          real.revoke(credential);
          calls.deletes.add(new Delete(credential.leaseId(), node, Instant.now()));
        } finally {
          calls.inFlight.decrementAndGet();
        }
      }

      @Override
      public void verify() {
        real.verify();
      }

      @Override
      public Optional<CredentialLookup> lookup() {
        return real.lookup();
      }

      @Override
      public Optional<CredentialListing> listing() {
        return real.listing();
      }

      @Override
      public void close() {
        real.close();
      }
    };
  }

  /** The provider's response time: simulated latency of the external system, not a test wait. */
  private void pause() {
    if (latency.isZero()) {
      return;
    }
    try {
      Thread.sleep(latency.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new dev.dynsecret.TransientProviderException("interrupted");
    }
  }
}
