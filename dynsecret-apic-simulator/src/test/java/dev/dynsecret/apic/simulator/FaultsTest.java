package dev.dynsecret.apic.simulator;

import static dev.dynsecret.apic.simulator.SimClient.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.dynsecret.apic.simulator.Fault.BodyKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@Timeout(60)
class FaultsTest {
  private ApicSimulator sim;
  private SimClient client;
  private Seed seed;

  @AfterEach
  void stop() {
    if (sim != null) {
      sim.close();
    }
  }

  private void start(ApicSimulator.Builder builder) {
    sim = builder.start();
    seed = sim.seed();
    client = new SimClient(sim).login();
  }

  private HttpResponse<String> create(String name) {
    return client.post(seed.credentialsPath(), "{\"name\":\"" + name + "\"}");
  }

  private HttpRequest createRequest(String name, Duration timeout) {
    return client.authorized(seed.credentialsPath()).timeout(timeout)
        .POST(BodyPublishers.ofString("{\"name\":\"" + name + "\"}")).build();
  }

  private static Throwable rootOf(Throwable t) {
    return t instanceof UncheckedIOException || t instanceof ExecutionException ? t.getCause() : t;
  }

  @ParameterizedTest
  @EnumSource(BodyKind.class)
  void aStatusFaultAnswersWithTheChosenBodyKindAndChangesNothing(BodyKind kind) {
    start(ApicSimulator.builder());
    sim.faults().failNext(1, Fault.status(502, kind));

    HttpResponse<String> response = create("a");

    assertEquals(502, response.statusCode());
    switch (kind) {
      case JSON -> assertError(502, response);
      case HTML -> {
        assertTrue(response.headers().firstValue("Content-Type").orElseThrow().startsWith("text/html"));
        assertTrue(response.body().startsWith("<html>"), response.body());
      }
      case EMPTY -> assertEquals("", response.body());
    }
    assertEquals(0, sim.liveCredentialCount());
    assertEquals(201, create("a").statusCode(), "only the next request failed");
  }

  @Test
  void tooManyRequestsCarriesRetryAfterInWholeSeconds() {
    start(ApicSimulator.builder());
    sim.faults().failNext(1, Fault.tooManyRequests(Duration.ofMillis(1500)));

    HttpResponse<String> response = client.get(seed.credentialsPath());

    assertError(429, response);
    assertEquals("2", response.headers().firstValue("Retry-After").orElseThrow());
  }

  @Test
  void retryAfterCanBeAddedToAnyStatus() {
    start(ApicSimulator.builder());
    sim.faults().failNext(1, Fault.status(503, BodyKind.EMPTY).withRetryAfter(Duration.ofSeconds(7)));

    HttpResponse<String> response = client.get(seed.credentialsPath());

    assertEquals(503, response.statusCode());
    assertEquals("7", response.headers().firstValue("Retry-After").orElseThrow());
  }

  @Test
  void failNextCanAimAtOneKindOfRequest() {
    sim = ApicSimulator.builder().start();
    seed = sim.seed();
    sim.faults().failNext(2, Fault.status(503, BodyKind.JSON), RequestKind.CREATE_CREDENTIAL);
    client = new SimClient(sim).login(); // the token call is not affected

    assertEquals(200, client.get(seed.credentialsPath()).statusCode());
    assertEquals(2, sim.faults().pending());
    assertError(503, create("a"));
    assertError(503, create("a"));
    assertEquals(201, create("a").statusCode());
    assertEquals(0, sim.faults().pending());
    assertEquals(2, sim.faults().injected());
    assertEquals(3, sim.requestCount(RequestKind.CREATE_CREDENTIAL));
  }

  @Test
  void schedulesAreUsedInTheOrderTheyWereMade() {
    start(ApicSimulator.builder());
    sim.faults()
        .failNext(1, Fault.status(500, BodyKind.JSON))
        .failNext(1, Fault.status(502, BodyKind.JSON));

    assertEquals(500, client.get(seed.credentialsPath()).statusCode());
    assertEquals(502, client.get(seed.credentialsPath()).statusCode());
    assertEquals(200, client.get(seed.credentialsPath()).statusCode());
  }

  @Test
  void theTokenCallCanFailToo() {
    start(ApicSimulator.builder());
    sim.faults().failNext(1, Fault.status(503, BodyKind.HTML), RequestKind.TOKEN);

    assertEquals(503, client.tokenCall().statusCode());
    assertEquals(200, client.tokenCall().statusCode());
  }

  @Test
  void theErrorRateIsReproducibleForAGivenSeed() {
    List<Integer> first = statusesUnderErrorRate(7);
    List<Integer> again = statusesUnderErrorRate(7);
    List<Integer> otherSeed = statusesUnderErrorRate(8);

    assertEquals(first, again);
    assertNotEquals(first, otherSeed);
    assertTrue(first.contains(200) && first.contains(503), first.toString());
  }

  private List<Integer> statusesUnderErrorRate(long faultSeed) {
    try (ApicSimulator s = ApicSimulator.builder().faultSeed(faultSeed).start()) {
      SimClient c = new SimClient(s).login();
      s.faults().errorRate(0.5, Fault.status(503, BodyKind.JSON), RequestKind.LIST_CREDENTIALS);
      List<Integer> statuses = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        statuses.add(c.get(s.seed().credentialsPath()).statusCode());
      }
      return statuses;
    }
  }

  @Test
  void anErrorRateOfOneFailsEveryMatchingRequestUntilCleared() {
    start(ApicSimulator.builder());
    sim.faults().errorRate(1.0, Fault.status(500, BodyKind.JSON), RequestKind.DELETE_CREDENTIAL);

    assertEquals(201, create("a").statusCode());
    assertError(500, client.delete(seed.credentialsPath() + "/a"));
    assertError(500, client.delete(seed.credentialsPath() + "/a"));
    sim.faults().clear();
    assertEquals(200, client.delete(seed.credentialsPath() + "/a").statusCode());
  }

  @Test
  void aDroppedConnectionGivesTheClientAnIoErrorAndCreatesNothing() {
    start(ApicSimulator.builder());
    sim.faults().failNext(1, Fault.dropConnection(), RequestKind.CREATE_CREDENTIAL);

    UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> create("a"));

    assertInstanceOf(IOException.class, e.getCause());
    assertEquals(0, sim.liveCredentialCount());
    assertEquals(201, create("a").statusCode());
  }

  @Test
  void aDropAfterProcessingLeavesTheCredentialBehind() {
    start(ApicSimulator.builder());
    sim.faults().failNext(1, Fault.dropConnection().afterProcessing(), RequestKind.CREATE_CREDENTIAL);

    assertThrows(UncheckedIOException.class, () -> create("orphan"));

    assertEquals(List.of("orphan"), sim.liveCredentialNames(seed.app().name()));
  }

  @Test
  void aStatusFaultAfterProcessingAlsoTakesEffect() {
    start(ApicSimulator.builder());
    sim.faults().failNext(1, Fault.status(504, BodyKind.HTML).afterProcessing());

    assertEquals(504, create("done-anyway").statusCode());

    assertEquals(1, sim.liveCredentialCount());
  }

  @Test
  void aTruncatedBodyIsInvalidJsonButTheCreateHappened() {
    start(ApicSimulator.builder());
    sim.faults().failNext(1, Fault.truncatedBody(), RequestKind.CREATE_CREDENTIAL);

    HttpResponse<String> response = create("a");

    assertEquals(201, response.statusCode());
    assertThrows(JsonProcessingException.class, () -> SimClient.JSON.readTree(response.body()));
    assertEquals(1, sim.liveCredentialCount());
  }

  @Test
  void aTruncatedEmptyBodyStillReadsAsBrokenJson() {
    start(ApicSimulator.builder().deleteStatus(204));
    create("a");
    sim.faults().failNext(1, Fault.truncatedBody());

    HttpResponse<String> response = client.delete(seed.credentialsPath() + "/a");

    assertEquals("{", response.body());
    assertEquals(0, sim.liveCredentialCount());
  }

  @Test
  void aStallLastsUntilTheClientTimesOut() {
    start(ApicSimulator.builder());
    sim.faults().failNext(1, Fault.stall(), RequestKind.CREATE_CREDENTIAL);

    assertThrows(HttpTimeoutException.class,
        () -> client.http().send(createRequest("a", Duration.ofMillis(300)), BodyHandlers.ofString()));

    assertEquals(0, sim.liveCredentialCount());
    assertEquals(201, create("a").statusCode(), "the server still answers others");
  }

  @Test
  void aStallAfterProcessingCreatesWhileTheClientTimesOut() {
    start(ApicSimulator.builder());
    sim.faults().failNext(1, Fault.stall().afterProcessing(), RequestKind.CREATE_CREDENTIAL);

    assertThrows(HttpTimeoutException.class,
        () -> client.http().send(createRequest("a", Duration.ofMillis(300)), BodyHandlers.ofString()));

    assertEquals(1, sim.liveCredentialCount());
  }

  @Test
  void aStallEndsWithADroppedConnectionAfterTheStallLimit() {
    start(ApicSimulator.builder().maxStall(Duration.ofMillis(300)));
    sim.faults().failNext(1, Fault.stall());

    Throwable e = assertThrows(UncheckedIOException.class, () -> create("a"));

    assertInstanceOf(IOException.class, rootOf(e));
  }

  @Test
  void closingTheSimulatorEndsAStallAtOnce() throws Exception {
    start(ApicSimulator.builder().maxStall(Duration.ofMinutes(10)));
    sim.faults().failNext(1, Fault.stall(), RequestKind.CREATE_CREDENTIAL);
    CompletableFuture<HttpResponse<String>> pending = client.http()
        .sendAsync(createRequest("a", Duration.ofMinutes(10)), BodyHandlers.ofString());
    assertTrue(sim.awaitRequestCount(RequestKind.CREATE_CREDENTIAL, 1, Duration.ofSeconds(10)));

    sim.close();

    ExecutionException e = assertThrows(ExecutionException.class,
        () -> pending.get(20, TimeUnit.SECONDS));
    assertInstanceOf(IOException.class, e.getCause());
  }

  @Test
  void latencyDelaysEveryRequestAndCanBeSwitchedOff() {
    start(ApicSimulator.builder());
    sim.faults().latency(Duration.ofSeconds(30));

    assertThrows(HttpTimeoutException.class,
        () -> client.http().send(createRequest("slow", Duration.ofMillis(300)), BodyHandlers.ofString()));

    sim.faults().latency(Duration.ZERO);
    assertEquals(201, create("fast").statusCode());
    assertEquals(Duration.ZERO, sim.faults().latency());
  }

  @Test
  void latencyIsAtLeastTheConfiguredDelay() {
    start(ApicSimulator.builder());
    sim.faults().latency(Duration.ofMillis(200));

    long started = System.nanoTime();
    client.get(seed.credentialsPath());
    long elapsedMillis = (System.nanoTime() - started) / 1_000_000;

    assertTrue(elapsedMillis >= 200, elapsedMillis + " ms");
  }

  @Test
  void resetClearsFaultsAndTheInjectedCount() {
    start(ApicSimulator.builder());
    sim.faults().failNext(5, Fault.status(500, BodyKind.JSON));
    assertEquals(500, client.get(seed.credentialsPath()).statusCode());
    sim.faults().latency(Duration.ofSeconds(30));

    sim.reset();

    assertEquals(0, sim.faults().pending());
    assertEquals(0, sim.faults().injected());
    assertEquals(Duration.ZERO, sim.faults().latency());
    assertEquals(200, client.tokenCall().statusCode());
  }

  @Test
  void badFaultSettingsAreRejectedNamingTheField() {
    start(ApicSimulator.builder());
    Fault fault = Fault.status(500, BodyKind.JSON);

    assertMessageStarts("share", () -> sim.faults().errorRate(1.5, fault));
    assertMessageStarts("share", () -> sim.faults().errorRate(Double.NaN, fault));
    assertMessageStarts("count", () -> sim.faults().failNext(0, fault));
    assertMessageStarts("latency", () -> sim.faults().latency(Duration.ofMillis(-1)));
    assertMessageStarts("status", () -> Fault.status(600, BodyKind.JSON));
    assertMessageStarts("retryAfter", () -> Fault.dropConnection().withRetryAfter(Duration.ZERO));
  }

  private static void assertMessageStarts(String field, org.junit.jupiter.api.function.Executable call) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    assertTrue(e.getMessage().startsWith(field + ":"), e.getMessage());
  }
}
