package dev.dynsecret.apic;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static dev.dynsecret.apic.Apic.API_KEY;
import static dev.dynsecret.apic.Apic.CLIENT_SECRET;
import static dev.dynsecret.apic.Apic.CREDENTIALS;
import static dev.dynsecret.apic.Apic.CREDENTIAL_NAME;
import static dev.dynsecret.apic.Apic.assertContains;
import static dev.dynsecret.apic.Apic.tokenJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.dynsecret.spi.ProviderConnection;
import dev.dynsecret.testkit.TestClock;
import dev.dynsecret.DefinitiveProviderException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import dev.dynsecret.spi.CredentialRef;

/** One token serves a run: cached, shared across threads, renewed only near expiry or on 401. */
class TokenTest {
  @RegisterExtension
  static WireMockExtension wm = WireMockExtension.newInstance()
      .options(wireMockConfig().dynamicPort()).build();

  private final TestClock clock = TestClock.at(Apic.T0);
  private final ApiConnectProvider provider = ApiConnectProvider.builder()
      .clock(clock).sleeper(new RecordingSleeper()).build();
  private ProviderConnection handle;

  @AfterEach
  void close() {
    if (handle != null) {
      handle.close();
    }
  }

  private ProviderConnection connect() {
    handle = provider.connect(Apic.config(wm).build());
    return handle;
  }

  /** Token requests answer tok-1, tok-2, ... in turn. */
  private void stubTokensInSequence(int count, long expiresIn) {
    for (int i = 1; i <= count; i++) {
      wm.stubFor(post(urlEqualTo("/api/token")).inScenario("tokens")
          .whenScenarioStateIs(i == 1 ? STARTED : "issued-" + (i - 1))
          .willSetStateTo("issued-" + i)
          .willReturn(okJson(tokenJson("tok-" + i, expiresIn))));
    }
  }

  private static String bearerOfCreate(int index) {
    return wm.findAll(postRequestedFor(urlEqualTo(CREDENTIALS))).get(index)
        .getHeader("Authorization");
  }

  @Test
  void manyCreatesShareOneToken() {
    Apic.stubToken(wm);
    Apic.stubCreate(wm);
    connect();

    for (int i = 0; i < 10; i++) {
      handle.create(Apic.lease("lease-" + i));
    }

    wm.verify(1, postRequestedFor(urlEqualTo("/api/token")));
    wm.verify(10, postRequestedFor(urlEqualTo(CREDENTIALS)));
  }

  @Test
  void sixteenThreadsAtOnceCauseOneTokenRequest() throws Exception {
    // The slow token answer makes every thread arrive while the one exchange is in flight.
    wm.stubFor(post(urlEqualTo("/api/token"))
        .willReturn(okJson(tokenJson(Apic.TOKEN, 28800)).withFixedDelay(300)));
    Apic.stubCreate(wm);
    connect();
    ExecutorService pool = Executors.newFixedThreadPool(16);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<?>> results = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        String leaseId = "lease-" + i;
        results.add(pool.submit(() -> {
          start.await();
          return handle.create(Apic.lease(leaseId));
        }));
      }
      start.countDown();
      for (Future<?> result : results) {
        result.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    wm.verify(1, postRequestedFor(urlEqualTo("/api/token")));
    wm.verify(16, postRequestedFor(urlEqualTo(CREDENTIALS))
        .withHeader("Authorization", equalTo("Bearer " + Apic.TOKEN)));
  }

  @Test
  void tokenIsReusedUntilShortlyBeforeItExpiresThenRenewed() {
    stubTokensInSequence(2, 3600);
    Apic.stubCreate(wm);
    connect();

    handle.create(Apic.lease("a"));
    clock.advance(Duration.ofSeconds(3600 - 61));
    handle.create(Apic.lease("b"));
    wm.verify(1, postRequestedFor(urlEqualTo("/api/token")));

    clock.advance(Duration.ofSeconds(2));
    handle.create(Apic.lease("c"));

    wm.verify(2, postRequestedFor(urlEqualTo("/api/token")));
    assertEquals("Bearer tok-1", bearerOfCreate(1));
    assertEquals("Bearer tok-2", bearerOfCreate(2));
  }

  @Test
  void tokenWithoutExpiryIsKeptUntilRejected() {
    wm.stubFor(post(urlEqualTo("/api/token"))
        .willReturn(okJson("{\"access_token\":\"tok-forever\",\"token_type\":\"Bearer\"}")));
    Apic.stubCreate(wm);
    connect();

    handle.create(Apic.lease("a"));
    clock.advance(Duration.ofDays(30));
    handle.create(Apic.lease("b"));

    wm.verify(1, postRequestedFor(urlEqualTo("/api/token")));
  }

  @Test
  void unauthorizedCallDiscardsTheTokenAndRetriesOnceWithANewOne() {
    stubTokensInSequence(2, 28800);
    wm.stubFor(post(urlEqualTo(CREDENTIALS)).inScenario("expired")
        .whenScenarioStateIs(STARTED).willSetStateTo("rejected-once")
        .willReturn(Apic.apicError(401, "Token expired")));
    wm.stubFor(post(urlEqualTo(CREDENTIALS)).inScenario("expired")
        .whenScenarioStateIs("rejected-once").willReturn(Apic.created(201)));
    connect();

    handle.create(Apic.lease());

    wm.verify(2, postRequestedFor(urlEqualTo("/api/token")));
    assertEquals("Bearer tok-1", bearerOfCreate(0));
    assertEquals("Bearer tok-2", bearerOfCreate(1));
  }

  @Test
  void unauthorizedEvenWithANewTokenIsDefinitiveAfterOneRetry() {
    stubTokensInSequence(3, 28800);
    wm.stubFor(get(urlEqualTo(CREDENTIALS + "/" + CREDENTIAL_NAME))
        .willReturn(Apic.apicError(401, "Not authorized")));
    connect();

    DefinitiveProviderException e = assertThrows(DefinitiveProviderException.class,
        () -> handle.lookup().orElseThrow().find(CredentialRef.of(Apic.lease())));

    assertContains(e.getMessage(), "answered 401 Unauthorized even with a newly issued access"
        + " token: Not authorized");
    wm.verify(2, postRequestedFor(urlEqualTo("/api/token")));
  }

  @Test
  void rejectedKeyExchangeIsDefinitiveAndNamesTheLikelyCauses() {
    wm.stubFor(post(urlEqualTo("/api/token"))
        .willReturn(Apic.apicError(401, "Invalid API key")));
    connect();

    DefinitiveProviderException e = assertThrows(DefinitiveProviderException.class,
        () -> handle.create(Apic.lease()));

    assertContains(e.getMessage(), "IBM API Connect rejected the API key exchange (POST"
        + " /api/token answered 401 Unauthorized: Invalid API key)");
    assertContains(e.getMessage(), "wrong or has expired");
    assertContains(e.getMessage(), "single-use");
    assertFalse(e.getMessage().contains(API_KEY) || e.getMessage().contains(CLIENT_SECRET));
    wm.verify(0, postRequestedFor(urlEqualTo(CREDENTIALS)));
  }

  @Test
  void singleUseKeyRejectedOnReAuthenticationSaysSo() {
    wm.stubFor(post(urlEqualTo("/api/token")).inScenario("single-use")
        .whenScenarioStateIs(STARTED).willSetStateTo("used")
        .willReturn(okJson(tokenJson("tok-1", 28800))));
    wm.stubFor(post(urlEqualTo("/api/token")).inScenario("single-use")
        .whenScenarioStateIs("used").willReturn(aResponse().withStatus(401)
            .withHeader("Content-Type", "application/json")
            .withBody("{\"status\":401,\"message\":[\"API key has already been used\"]}")));
    wm.stubFor(post(urlEqualTo(CREDENTIALS)).inScenario("single-use")
        .whenScenarioStateIs("used").willReturn(Apic.apicError(401, "Token revoked")));
    connect();

    DefinitiveProviderException e = assertThrows(DefinitiveProviderException.class,
        () -> handle.create(Apic.lease()));

    assertContains(e.getMessage(), "API key has already been used");
    assertContains(e.getMessage(), "exchanged the same key successfully before, so the key is"
        + " most likely single-use or has timed out");
    wm.verify(2, postRequestedFor(urlEqualTo("/api/token")));
  }

  @Test
  void concurrentCallersShareOneFailedExchange() throws Exception {
    wm.stubFor(post(urlEqualTo("/api/token"))
        .willReturn(Apic.apicError(401, "Invalid API key").withFixedDelay(1000)));
    connect();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<Throwable>> results = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        String leaseId = "lease-" + i;
        results.add(pool.submit(() -> {
          start.await();
          try {
            handle.create(Apic.lease(leaseId));
            return null;
          } catch (RuntimeException e) {
            return e;
          }
        }));
      }
      start.countDown();
      for (Future<Throwable> result : results) {
        Throwable failure = result.get(30, TimeUnit.SECONDS);
        assertEquals(DefinitiveProviderException.class, failure.getClass());
        assertContains(failure.getMessage(), "rejected the API key exchange");
      }
    } finally {
      pool.shutdownNow();
    }

    wm.verify(1, postRequestedFor(urlEqualTo("/api/token")));
  }
}
