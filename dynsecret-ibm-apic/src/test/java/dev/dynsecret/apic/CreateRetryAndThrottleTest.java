package dev.dynsecret.apic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynsecret.DefinitiveProviderException;
import dev.dynsecret.Lease;
import dev.dynsecret.ProviderConfig;
import dev.dynsecret.Secret;
import dev.dynsecret.SecretData;
import dev.dynsecret.TransientProviderException;
import dev.dynsecret.apic.internal.Sleeper;
import dev.dynsecret.apic.simulator.ApicSimulator;
import dev.dynsecret.apic.simulator.Fault;
import dev.dynsecret.apic.simulator.Fault.BodyKind;
import dev.dynsecret.apic.simulator.RequestKind;
import dev.dynsecret.buildsupport.SecretsUsed;
import dev.dynsecret.spi.CreatedCredential;
import dev.dynsecret.spi.CredentialRef;
import dev.dynsecret.spi.ProviderConnection;
import dev.dynsecret.spi.ProviderContext;
import dev.dynsecret.testkit.LogCapture;
import dev.dynsecret.testkit.TestClock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Creates that survive a faulty platform, and one throttle per platform shared by every thread,
 * against the simulator over real HTTP. Waits go through a {@link Sleeper} that never sleeps (or
 * that the test holds and releases), on a {@link TestClock}.
 */
@Timeout(120)
class CreateRetryAndThrottleTest {
  private final TestClock clock = TestClock.at(Apic.T0);
  private final RecordingSleeper sleeper = new RecordingSleeper();
  private final List<String> throttled = new CopyOnWriteArrayList<>();
  private final ProviderContext context = new ProviderContext() {
    @Override
    public String secretName() {
      return "orders-api";
    }

    @Override
    public void throttled(String target, Duration wait) {
      throttled.add(target + " " + wait);
    }
  };
  private final List<AutoCloseable> toClose = new ArrayList<>();
  private ApicSimulator sim;

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : toClose) {
      c.close();
    }
    if (sim != null) {
      sim.close();
    }
  }

  private ApicSimulator start() {
    sim = ApicSimulator.builder().clock(clock).start();
    SecretsUsed.record(sim.apiKey());
    SecretsUsed.record(sim.clientSecret());
    return sim;
  }

  private ProviderConnection connect(ApiConnectProvider provider, ProviderConfig config) {
    ProviderConnection connection = provider.connect(config, context);
    toClose.add(connection);
    return connection;
  }

  private ProviderConnection connect(ProviderConfig config) {
    return connect(ApiConnectProvider.builder().clock(clock).sleeper(sleeper).build(), config);
  }

  private ProviderConfig config() {
    return sim.providerConfig().put(ApiConnectKeys.CONSUMER_ORG,
        sim.seed().consumerOrg().name()).build();
  }

  private static CreatedCredential recorded(CreatedCredential created) {
    SecretsUsed.record(created.secretData().get(ApiConnectProvider.CLIENT_SECRET));
    return created;
  }

  /** Through the simulated API gateway, as the application holding the credential would. */
  private int gatewayStatus(SecretData data) throws Exception {
    HttpResponse<Void> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create(sim.gatewayUrl() + "/orders"))
        .header("X-IBM-Client-Id", data.get(ApiConnectProvider.CLIENT_ID).reveal())
        .header("X-IBM-Client-Secret", data.get(ApiConnectProvider.CLIENT_SECRET).reveal())
        .GET().build(), HttpResponse.BodyHandlers.discarding());
    return response.statusCode();
  }

  private static Lease lease(int i) {
    return Apic.lease(String.format("0190a1b2-c3d4-7e5f-8a9b-%012d", i));
  }

  // ------------------------------------------------------------------ creates

  @Test
  void aCreateWhoseAnswerWasLostEndsWithOneWorkingCredentialAndNoOrphan() throws Exception {
    start();
    ProviderConnection apic = connect(config());
    sim.faults().failNext(1, Fault.dropConnection().afterProcessing(),
        RequestKind.CREATE_CREDENTIAL);

    CreatedCredential created = recorded(apic.create(Apic.lease()));

    assertEquals(200, gatewayStatus(created.secretData()), "the credential held works");
    assertEquals(List.of(Apic.CREDENTIAL_NAME), sim.liveCredentialNames(sim.seed().app().name()),
        "exactly one credential for the lease: the lost one was replaced");
    assertEquals(3, sim.requestCount(RequestKind.CREATE_CREDENTIAL), "lost, taken, created");
    assertEquals(1, sim.requestCount(RequestKind.DELETE_CREDENTIAL));

    apic.revoke(CredentialRef.of(activated(Apic.lease(), created)));
    assertEquals(0, sim.liveCredentialCount());
    assertEquals(401, gatewayStatus(created.secretData()));
  }

  @Test
  void aDeleteOfTheLeftoverThatFailsIsRetriedAndStillNoSecondCredentialRemains() throws Exception {
    start();
    ProviderConnection apic = connect(config());
    sim.faults().failNext(1, Fault.dropConnection().afterProcessing(),
        RequestKind.CREATE_CREDENTIAL);
    // The delete of the leftover: first refused, then done but its answer lost.
    sim.faults().failNext(1, Fault.status(503, BodyKind.HTML), RequestKind.DELETE_CREDENTIAL);
    sim.faults().failNext(1, Fault.dropConnection().afterProcessing(),
        RequestKind.DELETE_CREDENTIAL);

    CreatedCredential created = recorded(apic.create(Apic.lease()));

    assertEquals(200, gatewayStatus(created.secretData()));
    assertEquals(1, sim.liveCredentialCount());
  }

  @Test
  void createUnderThirtyPercentFaultsOfEveryKindAlwaysSucceedsAndLeavesNothing() {
    start();
    ProviderConnection apic = connect(config());
    apic.verify();
    long before = sim.requestCount();
    sim.faults().errorRate(0.3, List.of(
        Fault.status(503, BodyKind.HTML),
        Fault.status(502, BodyKind.EMPTY),
        Fault.tooManyRequests(Duration.ofSeconds(1)),
        Fault.dropConnection(),
        Fault.dropConnection().afterProcessing(),
        Fault.truncatedBody()));
    int creates = 200;
    List<CreatedCredential> created = new ArrayList<>();
    for (int i = 0; i < creates; i++) {
      if (i % 20 == 0) {
        sim.invalidateTokens(); // token exchanges meet the faults too
      }
      created.add(recorded(apic.create(lease(i))));
    }
    long requests = sim.requestCount() - before;
    sim.faults().clear();

    assertEquals(creates, sim.liveCredentialCount(), "one credential per lease, no duplicates");
    for (CreatedCredential c : created) {
      assertTrue(sim.isValidAppCredential(c.secretData().get(ApiConnectProvider.CLIENT_ID).reveal(),
          c.secretData().get(ApiConnectProvider.CLIENT_SECRET)), "a caller holds a dead secret");
    }
    for (int i = 0; i < creates; i++) {
      apic.revoke(CredentialRef.of(activated(lease(i), created.get(i))));
    }
    assertEquals(0, sim.liveCredentialCount());
    System.out.printf("create under 30%% faults: %d/%d succeeded, %d requests (%.2f per create,"
        + " %.2f extra), %d faults injected, credentials left after revoking: %d%n", creates,
        creates, requests, requests / (double) creates, (requests - creates) / (double) creates,
        sim.faults().injected(), sim.liveCredentialCount());
  }

  @Test
  void aCreateThatRunsOutOfItsDeadlineFailsTransientlyAndReconciliationCleansUp() {
    start();
    ProviderConnection apic = connect(sim.providerConfig()
        .put(ApiConnectKeys.CREATE_DEADLINE, "3s").build());
    sim.faults().failNext(1, Fault.dropConnection().afterProcessing(),
        RequestKind.CREATE_CREDENTIAL);
    sim.faults().errorRate(1, Fault.status(503, BodyKind.HTML), RequestKind.CREATE_CREDENTIAL);

    TransientProviderException e = assertThrows(TransientProviderException.class,
        () -> apic.create(Apic.lease()));
    sim.faults().clear();

    Apic.assertContains(e.getMessage(), "did not succeed within the create deadline of 3 s");
    Apic.assertContains(e.getMessage(), "Credential '" + Apic.CREDENTIAL_NAME + "' may exist; the"
        + " lease stays pending and reconciliation deletes any credential left behind");
    Duration waited = sleeper.waits.stream().reduce(Duration.ZERO, Duration::plus);
    assertTrue(waited.compareTo(Duration.ofSeconds(3)) <= 0, "waited " + waited);
    assertEquals(1, sim.liveCredentialCount(), "the lost create's credential");
    // What reconciliation does with the pending lease: find by name, revoke.
    String id = apic.lookup().orElseThrow().find(CredentialRef.of(Apic.lease())).orElseThrow();
    apic.revoke(CredentialRef.of(activated(Apic.lease(), id)));
    assertEquals(0, sim.liveCredentialCount());
  }

  @ParameterizedTest
  @ValueSource(ints = {400, 401, 403, 404, 422})
  void aNonRetryableAnswerFailsAtOnceWithOneRequest(int status) {
    start();
    ProviderConnection apic = connect(config());
    apic.verify();
    sim.faults().failNext(status == 401 ? 2 : 1, Fault.status(status, BodyKind.JSON),
        RequestKind.CREATE_CREDENTIAL);
    long tokens = sim.requestCount(RequestKind.TOKEN);

    assertThrows(DefinitiveProviderException.class, () -> apic.create(Apic.lease()));

    // A 401 gets one new token and one more try, as every call does; nothing else is retried.
    assertEquals(status == 401 ? 2 : 1, sim.requestCount(RequestKind.CREATE_CREDENTIAL));
    assertEquals(tokens + (status == 401 ? 1 : 0), sim.requestCount(RequestKind.TOKEN));
    assertTrue(sleeper.waits.isEmpty());
    assertEquals(0, sim.liveCredentialCount());
  }

  @Test
  void createDeadlineOutsideItsRangeIsRejectedNamingTheKey() {
    start();
    ApiConnectProvider provider = ApiConnectProvider.builder().build();
    for (String bad : List.of("5m", "50ms", "soon", "0s")) {
      dev.dynsecret.InvalidRequestException e = assertThrows(
          dev.dynsecret.InvalidRequestException.class,
          () -> provider.connect(sim.providerConfig().put("createDeadline", bad).build()));
      assertEquals("createDeadline", e.field());
      Apic.assertContains(e.getMessage(), "from 100ms to 4m");
    }
  }

  // ------------------------------------------------------------------ the shared throttle

  /** Holds every wait until released; the test moves the clock. */
  private static final class HeldSleeper implements Sleeper {
    final AtomicInteger waiting = new AtomicInteger();
    final List<Duration> waits = new CopyOnWriteArrayList<>();
    final CountDownLatch release = new CountDownLatch(1);

    @Override
    public void sleep(Duration duration) throws InterruptedException {
      waits.add(duration);
      waiting.incrementAndGet();
      release.await();
    }

    void awaitWaiting(int n) throws InterruptedException {
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (waiting.get() < n) {
        if (System.nanoTime() > end) {
          throw new AssertionError("only " + waiting.get() + " of " + n + " threads waited");
        }
        Thread.sleep(5); // polling for other threads to arrive; no timing is asserted
      }
    }
  }

  @Test
  void oneTooManyRequestsHoldsBackEveryThreadOnceReportedAndAllSucceed() throws Exception {
    LogCapture logs = LogCapture.startIfLogback().orElseThrow();
    toClose.add(logs::stop);
    start();
    HeldSleeper held = new HeldSleeper();
    ApiConnectProvider provider = ApiConnectProvider.builder().clock(clock).sleeper(held).build();
    ProviderConnection apic = connect(provider, config());
    ProviderConnection other = connect(provider, config()); // another secret, same APIC
    CreatedCredential existing = recorded(apic.create(lease(100)));
    sim.faults().failNext(1, Fault.tooManyRequests(Duration.ofSeconds(1)));
    ExecutorService threads = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> calls = new ArrayList<>();
      // The first call meets the 429 and waits; the others start while it does.
      calls.add(threads.submit(() -> apic.listing().orElseThrow().list()));
      held.awaitWaiting(1);
      long sentBeforePause = sim.requestCount();
      for (int i = 0; i < 7; i++) {
        int n = i;
        ProviderConnection via = i % 2 == 0 ? apic : other;
        calls.add(threads.submit(() -> switch (n % 4) {
          case 0 -> recorded(via.create(lease(n)));
          case 1 -> via.lookup().orElseThrow().find(CredentialRef.of(lease(100)));
          case 2 -> via.listing().orElseThrow().list();
          default -> {
            via.revoke(CredentialRef.of(lease(200 + n))); // never made: 404, already gone
            yield null;
          }
        }));
      }
      held.awaitWaiting(8);

      assertEquals(sentBeforePause, sim.requestCount(), "a request reached APIC during the pause");
      assertEquals(List.of(sim.baseUrl() + " PT1S"), throttled, "one report for the episode");
      clock.advance(Duration.ofSeconds(1));
      held.release.countDown();
      for (Future<?> call : calls) {
        call.get(30, TimeUnit.SECONDS); // all succeed
      }
    } finally {
      threads.shutdownNow();
    }
    assertEquals(List.of(Duration.ofSeconds(1)), held.waits.stream().distinct().toList());
    assertEquals(1, throttled.size());
    long warnings = logs.events().stream()
        .filter(line -> line.contains("every call to it waits"))
        .count();
    assertEquals(1, warnings, String.join("\n", logs.events()));
    assertEquals(1 + 2, sim.liveCredentialCount(), "two creates among the threads");
    assertEquals(200, gatewayStatus(existing.secretData()));
  }

  @Test
  void aSecondSecretOnTheSameApicWaitsOutTheFirstOnesPauseButAnotherProviderDoesNot() {
    start();
    ApiConnectProvider provider = ApiConnectProvider.builder().clock(clock).sleeper(sleeper).build();
    ProviderConnection first = connect(provider, config());
    ProviderConnection second = connect(provider, config());
    RecordingSleeper otherSleeper = new RecordingSleeper();
    ProviderConnection elsewhere = connect(
        ApiConnectProvider.builder().clock(clock).sleeper(otherSleeper).build(), config());
    sim.faults().failNext(1, Fault.tooManyRequests(Duration.ofSeconds(3)),
        RequestKind.LIST_CREDENTIALS);

    first.listing().orElseThrow().list(); // 429, waits 3 s (the clock stands still), lists
    second.listing().orElseThrow().list();
    elsewhere.listing().orElseThrow().list();

    assertEquals(List.of(Duration.ofSeconds(3), Duration.ofSeconds(3)), sleeper.waits);
    assertTrue(otherSleeper.waits.isEmpty(), "each lease manager's provider has its own throttle");
    assertEquals(1, throttled.size());
  }

  @Test
  void aTooManyRequestsFromTheTokenEndpointPausesTheTargetAndTheCreateGoesOn() {
    start();
    ProviderConnection apic = connect(config());
    sim.faults().failNext(1, Fault.tooManyRequests(Duration.ofSeconds(2)), RequestKind.TOKEN);

    recorded(apic.create(Apic.lease()));

    assertEquals(List.of(Duration.ofSeconds(2)), sleeper.waits);
    assertEquals(List.of(sim.baseUrl() + " PT2S"), throttled);
    assertEquals(2, sim.requestCount(RequestKind.TOKEN));
    assertEquals(1, sim.requestCount(RequestKind.CREATE_CREDENTIAL));
  }

  @Test
  void throttleWaitsDoNotUseUpTheRetriesOfADelete() {
    start();
    ProviderConnection apic = connect(config());
    CreatedCredential created = recorded(apic.create(Apic.lease()));
    // More 429s than a delete has retries (3), then success: a busy APIC slows a revoke down but
    // does not fail it.
    sim.faults().failNext(6, Fault.tooManyRequests(Duration.ofSeconds(1)),
        RequestKind.DELETE_CREDENTIAL);

    apic.revoke(CredentialRef.of(activated(Apic.lease(), created)));

    assertEquals(7, sim.requestCount(RequestKind.DELETE_CREDENTIAL));
    assertEquals(0, sim.liveCredentialCount());
  }

  @Test
  void aPauseLongerThanACallMayWaitEndsTheCallUnsentWithTheWait() {
    start();
    ProviderConnection apic = connect(config());
    apic.verify();
    sim.faults().failNext(1, Fault.tooManyRequests(Duration.ofSeconds(120)));
    assertThrows(TransientProviderException.class, () -> apic.listing().orElseThrow().list());
    long sent = sim.requestCount();

    TransientProviderException e = assertThrows(TransientProviderException.class,
        () -> apic.revoke(CredentialRef.of(Apic.lease())));

    assertEquals(sent, sim.requestCount(), "the delete was held back, not sent");
    assertEquals(Duration.ofSeconds(120), e.retryAfter().orElseThrow());
    assertTrue(sleeper.waits.isEmpty());
  }

  private static Lease activated(Lease lease, CreatedCredential created) {
    return activated(lease, created.externalId());
  }

  private static Lease activated(Lease lease, String externalId) {
    return new Lease(lease.id(), lease.secretName(), externalId, dev.dynsecret.LeaseState.ACTIVE,
        lease.createdAt(), lease.expiresAt(), lease.hardLimitAt(), null, null, null, 0, null, null,
        java.util.Map.of());
  }
}
