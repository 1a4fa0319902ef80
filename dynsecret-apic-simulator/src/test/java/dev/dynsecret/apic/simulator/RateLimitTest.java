package dev.dynsecret.apic.simulator;

import static dev.dynsecret.apic.simulator.SimClient.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynsecret.testkit.TestClock;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The simulator playing a busy APIC behind a rate-limiting gateway; time is a TestClock. */
@Timeout(60)
class RateLimitTest {
  private final TestClock clock = TestClock.at(Instant.parse("2030-01-01T00:00:00Z"));
  private ApicSimulator sim;

  @AfterEach
  void stop() {
    if (sim != null) {
      sim.close();
    }
  }

  @Test
  void requestsBeyondTheBurstAreAnswered429WithTheSecondsUntilATokenIsFree() {
    sim = ApicSimulator.builder().clock(clock).start();
    SimClient client = new SimClient(sim).login();
    sim.faults().rateLimit(0.25, 2); // one token every 4 s

    assertEquals(200, client.get(sim.seed().credentialsPath()).statusCode());
    assertEquals(200, client.get(sim.seed().credentialsPath()).statusCode());
    HttpResponse<String> refused = client.get(sim.seed().credentialsPath());

    String message = assertError(429, refused);
    assertTrue(message.contains("Rate limit exceeded"), message);
    assertEquals("4", refused.headers().firstValue("Retry-After").orElseThrow());
    clock.advance(Duration.ofMillis(2_500)); // 1.5 s still to go: rounded up to 2
    assertEquals("2", client.get(sim.seed().credentialsPath()).headers()
        .firstValue("Retry-After").orElseThrow());
    clock.advance(Duration.ofMillis(1_500));
    assertEquals(200, client.get(sim.seed().credentialsPath()).statusCode());
    assertEquals(2, sim.rateLimitedCount());
    assertEquals(2, sim.rateLimitedCount(RequestKind.LIST_CREDENTIALS));
    assertEquals(2, sim.responseCount(429));
    assertEquals(1 + 5, sim.requestCount(), "refused requests are still received");
  }

  @Test
  void retryAfterIsAtLeastOneSecondEvenWhenATokenIsAMomentAway() {
    sim = ApicSimulator.builder().clock(clock).rateLimit(200, 1).start();
    SimClient client = new SimClient(sim).login(); // takes the one token
    HttpResponse<String> refused = client.get(sim.seed().credentialsPath());

    assertError(429, refused);
    assertEquals("1", refused.headers().firstValue("Retry-After").orElseThrow());
    clock.advance(Duration.ofMillis(5)); // 200/s: one token per 5 ms
    assertEquals(200, client.get(sim.seed().credentialsPath()).statusCode());
  }

  @Test
  void theBucketHoldsAtMostTheBurstAfterAQuietSpell() {
    sim = ApicSimulator.builder().clock(clock).rateLimit(10, 3).start();
    SimClient client = new SimClient(sim).login();
    clock.advance(Duration.ofHours(1));

    int served = 0;
    for (int i = 0; i < 10; i++) {
      if (client.get(sim.seed().credentialsPath()).statusCode() == 200) {
        served++;
      }
    }

    assertEquals(3, served);
    assertEquals(7, sim.rateLimitedCount());
  }

  @Test
  void tokenCallsCountAgainstTheLimitAndGatewayCallsDoNot() {
    sim = ApicSimulator.builder().clock(clock).rateLimit(1, 1).start();
    SimClient client = new SimClient(sim).login();

    assertError(429, client.tokenCall());
    assertEquals(1, sim.rateLimitedCount(RequestKind.TOKEN));
    HttpResponse<String> gateway = client.send(client.request(sim.gatewayUrl() + "/hello")
        .GET().build());
    assertEquals(401, gateway.statusCode(), "the gateway answers as usual, unlimited");
  }

  @Test
  void aRateLimitedRequestChangesNothingAndMeetsNoOtherFault() {
    sim = ApicSimulator.builder().clock(clock).rateLimit(1, 1).start();
    SimClient client = new SimClient(sim).login();
    sim.faults().failNext(1, Fault.status(503, Fault.BodyKind.HTML));

    assertError(429, client.post(sim.seed().credentialsPath(), "{\"name\":\"refused\"}"));

    assertEquals(0, sim.liveCredentialCount());
    assertEquals(1, sim.faults().pending(), "the scheduled fault is still to come");
  }

  @Test
  void resetRestoresTheBuildersLimitWithAFullBucketAndClearTurnsItOff() {
    sim = ApicSimulator.builder().clock(clock).rateLimit(1, 1).start();
    SimClient client = new SimClient(sim).login();
    assertError(429, client.get(sim.seed().credentialsPath()));

    sim.reset();
    client.login();
    assertError(429, client.get(sim.seed().credentialsPath()));
    assertEquals(1, sim.rateLimitedCount(), "reset zeroed the counter");

    sim.faults().clear();
    assertEquals(200, client.get(sim.seed().credentialsPath()).statusCode());
  }

  @Test
  void aMixOfFaultsDrawsEachOfThem() {
    sim = ApicSimulator.builder().clock(clock).start();
    SimClient client = new SimClient(sim).login();
    sim.faults().errorRate(1, List.of(Fault.status(503, Fault.BodyKind.HTML),
        Fault.tooManyRequests(Duration.ofSeconds(1))));

    for (int i = 0; i < 40; i++) {
      client.get(sim.seed().credentialsPath());
    }

    assertTrue(sim.responseCount(503) > 5, "503s: " + sim.responseCount(503));
    assertTrue(sim.responseCount(429) > 5, "429s: " + sim.responseCount(429));
    assertEquals(40, sim.responseCount(503) + sim.responseCount(429));
    assertEquals(0, sim.rateLimitedCount(), "injected 429s are not rate-limit answers");
  }

  @Test
  void badSettingsAreNamed() {
    sim = ApicSimulator.builder().clock(clock).start();
    IllegalArgumentException rate = assertThrows(IllegalArgumentException.class,
        () -> sim.faults().rateLimit(0, 5));
    assertTrue(rate.getMessage().startsWith("perSecond:"), rate.getMessage());
    IllegalArgumentException burst = assertThrows(IllegalArgumentException.class,
        () -> ApicSimulator.builder().rateLimit(10, 0));
    assertTrue(burst.getMessage().startsWith("burst:"), burst.getMessage());
    IllegalArgumentException mix = assertThrows(IllegalArgumentException.class,
        () -> sim.faults().errorRate(0.5, List.of()));
    assertTrue(mix.getMessage().startsWith("mix:"), mix.getMessage());
  }
}
