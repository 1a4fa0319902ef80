package dev.dynsecret.examples;

import dev.dynsecret.CredentialEvent;
import dev.dynsecret.DynamicSecret;
import dev.dynsecret.LeaseManager;
import dev.dynsecret.ManagedCredential;
import dev.dynsecret.SecretData;
import dev.dynsecret.apic.ApiConnectProvider;
import dev.dynsecret.memory.MemoryLeaseStore;
import dev.dynsecret.apic.simulator.ApicSimulator;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * A managed credential in use: an HTTP client calls an API behind the IBM API Connect gateway with
 * the client ID and secret of a credential that the lease manager renews and rotates on its own.
 *
 * <p>The TTLs are seconds long so that several rotations happen in a few seconds: each lease lives
 * 2 s and is renewed half way through until its 5-second max TTL is near; then a new credential
 * replaces it, the old one stays valid for a 500 ms overlap, and is revoked. Each switch is
 * printed, with how the gateway answered every call.
 *
 * <p>It runs against the APIC simulator from {@code dynsecret-testkit}, whose gateway endpoint
 * accepts a call only with a client ID and secret that exist on the platform at that moment.
 */
public final class ManagedCredentials {
  private static final String SECRET = "orders-api";
  private static final int ROTATIONS = 3;

  private ManagedCredentials() {}

  public static void main(String[] args) throws Exception {
    try (ApicSimulator apic = ApicSimulator.builder().start()) {
      run(apic, ROTATIONS);
    }
  }

  /** What the run saw. */
  record Outcome(int rotations, int calls, int accepted, boolean oldRefusedAfterOverlap,
      int credentialsLeft) {}

  static Outcome run(ApicSimulator apic, int rotations) throws InterruptedException {
    Instant start = Instant.now();
    CountDownLatch rotated = new CountDownLatch(rotations);
    AtomicReference<SecretData> replaced = new AtomicReference<>();
    Gateway gateway = new Gateway(apic.gatewayUrl() + "/orders");
    say(start, "API gateway: %s", apic.gatewayUrl() + "/orders");

    try (LeaseManager leases = LeaseManager.builder()
        .store(new MemoryLeaseStore())
        .pollInterval(Duration.ofMillis(50)) // renewals come every second here
        .build()) {
      leases.register(DynamicSecret.builder(SECRET)
          .provider(ApiConnectProvider.TYPE, apic.providerConfig().build())
          .defaultTtl(Duration.ofSeconds(2))
          .maxTtl(Duration.ofSeconds(5))
          .build());
      leases.verify(SECRET); // checks the configuration, and warms the HTTP client and token
      say(start, "Verified dynamic secret '%s' (TTL 2s, max TTL 5s); managing a credential:",
          SECRET);

      ManagedCredential credential = leases.manage(SECRET, ManagedCredential.options()
          .renewAt(0.5)
          .jitter(0)
          .overlap(Duration.ofMillis(500))
          .listener(event -> {
            print(start, event);
            if (event.type() == CredentialEvent.Type.ROTATED) {
              rotated.countDown();
            }
          }));
      leases.start();

      // The client reads the credential for every call: a rotation reaches it at once.
      Calls calls = new Calls();
      SecretData before = credential.get();
      while (!rotated.await(100, TimeUnit.MILLISECONDS)) {
        SecretData now = credential.get();
        if (!clientId(now).equals(clientId(before))) {
          replaced.set(before);
        }
        before = now;
        calls.count(gateway.call(credential));
      }
      SecretData old = replaced.get();
      Thread.sleep(700); // past the 500 ms overlap of the last rotation
      calls.count(gateway.call(credential));
      boolean oldRefused = old != null && gateway.call(() -> old) == 401;
      say(start, "%d rotations: %d gateway calls with the managed credential, %d answered 200;"
          + " a replaced credential is refused after its overlap: %s", rotations, calls.total,
          calls.ok, oldRefused ? "yes" : "no");

      credential.close();
      int left = apic.liveCredentialCount();
      say(start, "Closed the managed credential: %d credentials left on APIC", left);
      return new Outcome(rotations, calls.total, calls.ok, oldRefused, left);
    }
  }

  /** Calls the API with whatever credential the supplier holds now. */
  private static final class Gateway {
    private final HttpClient http = HttpClient.newHttpClient();
    private final URI uri;

    Gateway(String url) {
      this.uri = URI.create(url);
    }

    int call(Supplier<SecretData> credential) {
      SecretData data = credential.get();
      HttpRequest request = HttpRequest.newBuilder(uri)
          .header("X-IBM-Client-Id", data.get(ApiConnectProvider.CLIENT_ID).reveal())
          .header("X-IBM-Client-Secret", data.get(ApiConnectProvider.CLIENT_SECRET).reveal())
          .timeout(Duration.ofSeconds(5))
          .GET()
          .build();
      try {
        return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
      } catch (IOException e) {
        return -1;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return -1;
      }
    }
  }

  private static final class Calls {
    int total;
    int ok;

    void count(int status) {
      total++;
      ok += status == 200 ? 1 : 0;
    }
  }

  private static void print(Instant start, CredentialEvent event) {
    SecretData data = event.secretData();
    String line = switch (event.type()) {
      case CREATED -> "created: client ID " + clientId(data) + ", secret "
          + data.get(ApiConnectProvider.CLIENT_SECRET).masked(4);
      case RENEWED -> "renewed " + clientId(data) + ", expires in "
          + seconds(Duration.between(Instant.now(), event.current().lease().expiresAt()));
      case ROTATED -> "ROTATED: now using client ID " + clientId(data) + ", secret "
          + data.get(ApiConnectProvider.CLIENT_SECRET).masked(4) + "; the old one stays valid"
          + " for the overlap";
      case PREVIOUS_REVOKED -> "revoked the replaced credential (lease " + event.previous().id()
          + ")";
      default -> event.type() + (event.problem() == null ? "" : ": " + event.problem());
    };
    say(start, "%s", line);
  }

  private static String seconds(Duration duration) {
    return String.format("%.1fs", duration.toMillis() / 1000.0);
  }

  private static String clientId(SecretData data) {
    return data.get(ApiConnectProvider.CLIENT_ID).reveal();
  }

  private static void say(Instant start, String format, Object... args) {
    long millis = Duration.between(start, Instant.now()).toMillis();
    System.out.printf("[%5.1fs] %s%n", millis / 1000.0, String.format(format, args));
  }
}
