package dev.dynsecret.apic.simulator;

import static dev.dynsecret.apic.simulator.SimClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
class ConcurrencyTest {
  private static final int THREADS = 32;
  private static final int MANY_CALLERS = 64; // as many as dynsecret's own load tests use

  private ApicSimulator sim;
  private ExecutorService pool;

  @AfterEach
  void stop() {
    pool.shutdownNow();
    sim.close();
  }

  @Test
  void manyClientsCreatingAndDeletingLeaveNothingBehindAndLoseNoCount() throws Exception {
    sim = ApicSimulator.builder().start();
    SimClient client = new SimClient(sim).login(); // one client and token, shared like a provider
    String path = sim.seed().credentialsPath();
    int perThread = 10;
    Set<String> clientIds = ConcurrentHashMap.newKeySet();
    CountDownLatch go = new CountDownLatch(1);
    pool = Executors.newFixedThreadPool(MANY_CALLERS);
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < MANY_CALLERS; t++) {
      int thread = t;
      done.add(pool.submit(() -> {
        go.await();
        for (int i = 0; i < perThread; i++) {
          String name = "t" + thread + "-" + i;
          HttpResponse<String> created = client.post(path, "{\"name\":\"" + name + "\"}");
          assertEquals(201, created.statusCode(), created.body());
          clientIds.add(json(created).get("client_id").asText());
          HttpResponse<String> deleted = client.delete(path + "/" + name);
          assertEquals(200, deleted.statusCode(), deleted.body());
        }
        return null;
      }));
    }

    go.countDown();
    for (Future<?> f : done) {
      f.get(100, TimeUnit.SECONDS);
    }

    assertEquals(MANY_CALLERS * perThread, clientIds.size(), "client ids are unique");
    assertEquals(MANY_CALLERS * perThread, sim.requestCount(RequestKind.CREATE_CREDENTIAL));
    assertEquals(MANY_CALLERS * perThread, sim.requestCount(RequestKind.DELETE_CREDENTIAL));
    assertEquals(1, sim.requestCount(RequestKind.TOKEN));
    assertEquals(0, sim.liveCredentialCount());
  }

  @Test
  void concurrentCreatesOfOneNameLetExactlyOneWin() throws Exception {
    sim = ApicSimulator.builder().start();
    SimClient client = new SimClient(sim).login();
    CountDownLatch go = new CountDownLatch(1);
    pool = Executors.newFixedThreadPool(THREADS);
    List<Future<Integer>> statuses = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      statuses.add(pool.submit(() -> {
        go.await();
        return client.post(sim.seed().credentialsPath(), "{\"name\":\"contested\"}").statusCode();
      }));
    }

    go.countDown();
    int created = 0;
    int conflicts = 0;
    for (Future<Integer> f : statuses) {
      int status = f.get(100, TimeUnit.SECONDS);
      created += status == 201 ? 1 : 0;
      conflicts += status == 409 ? 1 : 0;
    }

    assertEquals(1, created);
    assertEquals(THREADS - 1, conflicts);
    assertEquals(List.of("contested"), sim.liveCredentialNames(sim.seed().app().name()));
  }

  @Test
  void faultsCanBeSwitchedWhileRequestsAreInFlight() throws Exception {
    sim = ApicSimulator.builder().start();
    SimClient client = new SimClient(sim).login();
    pool = Executors.newFixedThreadPool(THREADS);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Integer>> statuses = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      statuses.add(pool.submit(() -> {
        go.await();
        int failures = 0;
        for (int i = 0; i < 10; i++) {
          failures += client.get(sim.seed().credentialsPath()).statusCode() == 503 ? 1 : 0;
        }
        return failures;
      }));
    }
    sim.faults().failNext(50, Fault.status(503, Fault.BodyKind.JSON), RequestKind.LIST_CREDENTIALS);

    go.countDown();
    int failures = 0;
    for (Future<Integer> f : statuses) {
      failures += f.get(100, TimeUnit.SECONDS);
    }

    assertEquals(50, failures, "each scheduled failure is used exactly once");
    assertEquals(0, sim.faults().pending());
    assertEquals(THREADS * 10L, sim.requestCount(RequestKind.LIST_CREDENTIALS));
  }
}
