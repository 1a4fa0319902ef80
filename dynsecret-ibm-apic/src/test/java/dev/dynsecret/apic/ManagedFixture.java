package dev.dynsecret.apic;

import dev.dynsecret.CredentialEvent;
import dev.dynsecret.DynamicSecret;
import dev.dynsecret.LeaseManager;
import dev.dynsecret.RetryPolicy;
import dev.dynsecret.SecretData;
import dev.dynsecret.memory.MemoryLeaseStore;
import dev.dynsecret.testkit.TestClock;
import dev.dynsecret.apic.simulator.ApicSimulator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/**
 * A lease manager on a memory store with the IBM API Connect provider against the simulator, all
 * on one {@link TestClock}, and an HTTP client that calls the simulated gateway as an application
 * would. Provider retry waits are recorded, not slept.
 */
final class ManagedFixture implements AutoCloseable {
  static final String SECRET = "orders-api";

  final TestClock clock = TestClock.standard();
  final ApicSimulator sim;
  final MemoryLeaseStore store = new MemoryLeaseStore();
  final LeaseManager leases;
  final List<CredentialEvent> events = new CopyOnWriteArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();

  ManagedFixture(Duration ttl, Duration maxTtl) {
    sim = ApicSimulator.builder().clock(clock).start();
    leases = LeaseManager.builder()
        .store(store)
        .clock(clock)
        .nodeId("node-1")
        .discoverProviders(false)
        .provider(ApiConnectProvider.builder().clock(clock).sleeper(new RecordingSleeper()).build())
        // Revocations of replaced credentials outlast a provider outage of hours.
        .retryPolicy(new RetryPolicy(50, Duration.ofSeconds(1), Duration.ofMinutes(5), 2.0, 0.2))
        .build();
    leases.register(DynamicSecret.builder(SECRET)
        .provider(ApiConnectProvider.TYPE, sim.providerConfig().build())
        .defaultTtl(ttl)
        .maxTtl(maxTtl)
        .build());
  }

  /** Whether the gateway accepts a request made with this client ID and secret. */
  boolean gatewayAccepts(SecretData credential) {
    HttpRequest request = HttpRequest.newBuilder(URI.create(sim.gatewayUrl() + "/hello"))
        .header("X-IBM-Client-Id", credential.get(ApiConnectProvider.CLIENT_ID).reveal())
        .header("X-IBM-Client-Secret", credential.get(ApiConnectProvider.CLIENT_SECRET).reveal())
        .timeout(Duration.ofSeconds(10))
        .GET()
        .build();
    try {
      int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
      if (status != 200 && status != 401) {
        throw new AssertionError("the gateway answered " + status);
      }
      return status == 200;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The events heard so far, as their types. */
  List<CredentialEvent.Type> types() {
    return events.stream().map(CredentialEvent::type).collect(Collectors.toList());
  }

  long count(CredentialEvent.Type type) {
    return events.stream().filter(e -> e.type() == type).count();
  }

  /** Moves the clock by one minute at a time, doing due work each minute. */
  void runFor(Duration duration) {
    for (long m = 0; m < duration.toMinutes(); m++) {
      clock.advance(Duration.ofMinutes(1));
      leases.processDue();
    }
  }

  @Override
  public void close() {
    leases.close();
    sim.close();
  }
}
