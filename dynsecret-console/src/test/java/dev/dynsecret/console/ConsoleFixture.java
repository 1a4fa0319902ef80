package dev.dynsecret.console;

import dev.dynsecret.DynamicSecret;
import dev.dynsecret.LeaseManager;
import dev.dynsecret.Secret;
import dev.dynsecret.apic.simulator.ApicSimulator;
import dev.dynsecret.buildsupport.SecretsUsed;
import dev.dynsecret.console.internal.Sessions;
import dev.dynsecret.memory.MemoryLeaseStore;
import java.time.Duration;

/**
 * A running standalone console: the APIC simulator, a memory store, a started lease manager with
 * a fast poll interval (so a 3-second lease is revoked soon after it runs out), and the console on
 * the JDK's HTTP server on a free loopback port, signing users in with a generated token.
 */
final class ConsoleFixture implements AutoCloseable {
  static final String SECRET = "orders-api";
  static final String OTHER = "billing-api";

  final ApicSimulator apic;
  final LeaseManager manager;
  final Secret token;
  final ConsoleServer server;

  ConsoleFixture(boolean readOnly) {
    apic = ApicSimulator.builder().start();
    manager = LeaseManager.builder()
        .store(new MemoryLeaseStore())
        .pollInterval(Duration.ofMillis(200))
        .build();
    manager.register(DynamicSecret.builder(SECRET)
        .provider("ibm-api-connect", apic.providerConfig().build())
        .defaultTtl(Duration.ofHours(1)).maxTtl(Duration.ofHours(8)).build());
    // Its own application: a sweep of one secret must not see the other's credentials.
    apic.addApp(apic.seed().consumerOrg().name(), "billing-app");
    manager.register(DynamicSecret.builder(OTHER)
        .provider("ibm-api-connect", apic.providerConfig().put("app", "billing-app").build())
        .defaultTtl(Duration.ofMinutes(15)).maxTtl(Duration.ofHours(1)).leaseLimit(10).build());
    manager.start();
    token = Secret.of(Sessions.randomToken());
    SecretsUsed.record(token);
    Console console = Console.builder(manager).tokenAuthentication(token).readOnly(readOnly)
        .build();
    server = ConsoleServer.builder(console).port(0).start();
  }

  String url() {
    return server.url();
  }

  @Override
  public void close() {
    server.close();
    manager.close();
    apic.close();
  }
}
