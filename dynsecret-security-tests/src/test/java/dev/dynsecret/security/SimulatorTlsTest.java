package dev.dynsecret.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynsecret.CreatedLease;
import dev.dynsecret.DefinitiveProviderException;
import dev.dynsecret.DynamicSecret;
import dev.dynsecret.Lease;
import dev.dynsecret.LeaseManager;
import dev.dynsecret.LeaseState;
import dev.dynsecret.ProviderException;
import dev.dynsecret.RevokeReason;
import dev.dynsecret.apic.ApiConnectKeys;
import dev.dynsecret.apic.ApiConnectProvider;
import dev.dynsecret.memory.MemoryLeaseStore;
import dev.dynsecret.ProviderConfig;
import dev.dynsecret.spi.LeaseRecord;
import dev.dynsecret.testkit.TestClock;
import dev.dynsecret.apic.simulator.ApicSimulator;
import dev.dynsecret.apic.simulator.RequestKind;
import dev.dynsecret.buildsupport.SecretsUsed;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The provider against the APIC simulator served over HTTPS with its self-signed certificate:
 * refused while that certificate is not trusted, whatever the lease manager does; working end to
 * end (create, use, revoke) once trust is configured, through the provider's {@code SSLContext} or
 * the secret's {@code trustStore}.
 */
class SimulatorTlsTest {
  private static final String SIM_PW = SecretsUsed.declare("sim-trust-pw");
  private static final String OTHER_PW = SecretsUsed.declare("other-trust-pw");
  @TempDir static Path dir;
  private static ApicSimulator sim;
  private static Path simulatorTrust;
  private static Path otherTrust;

  private final TestClock clock = TestClock.standard();
  private final MemoryLeaseStore store = new MemoryLeaseStore();

  @BeforeAll
  static void startHttpsSimulator() throws Exception {
    sim = ApicSimulator.builder().https().start();
    simulatorTrust = ApicTls.trustStore(dir.resolve("simulator.p12"), SIM_PW,
        sim.certificate());
    otherTrust = ApicTls.trustStore(dir.resolve("other.p12"), OTHER_PW);
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  @BeforeEach
  void reset() {
    sim.reset();
  }

  private ProviderConfig.Builder config() {
    return sim.providerConfig();
  }

  private LeaseManager manager(ApiConnectProvider provider, ProviderConfig config) {
    return LeaseManager.builder().store(store).clock(clock).provider(provider)
        .secret(DynamicSecret.builder("orders-api").provider(ApiConnectProvider.TYPE, config)
            .defaultTtl(Duration.ofHours(1)).build())
        .build();
  }

  private void refusedAsUntrusted(LeaseManager leases) {
    DefinitiveProviderException e = assertThrows(DefinitiveProviderException.class,
        () -> leases.create("orders-api"));
    assertTrue(e.getMessage().contains("is not trusted"), e::getMessage);
    assertTrue(e.getMessage().contains("trustStore"), "says how to fix it: " + e.getMessage());
    // The handshake failed before any request reached the platform: nothing made, lease closed.
    assertEquals(0, sim.requestCount());
    assertEquals(0, sim.liveCredentialCount());
    LeaseRecord lease = Fixture.snapshot(store).get(0);
    assertEquals(LeaseState.REVOKED, lease.state());
    assertEquals(RevokeReason.CREATE_FAILED, lease.revokeReason());
  }

  private void worksEndToEnd(LeaseManager leases) {
    CreatedLease created = leases.create("orders-api");
    String clientId = created.secretData().get(ApiConnectProvider.CLIENT_ID).reveal();
    assertTrue(sim.isValidAppCredential(clientId,
        created.secretData().get(ApiConnectProvider.CLIENT_SECRET)));
    assertEquals(LeaseState.ACTIVE, created.lease().state());

    Lease revoked = leases.revoke(created.lease().id());

    assertEquals(LeaseState.REVOKED, revoked.state());
    assertEquals(0, sim.liveCredentialCount());
    assertFalse(sim.isValidAppCredential(clientId,
        created.secretData().get(ApiConnectProvider.CLIENT_SECRET)));
    assertEquals(1, sim.requestCount(RequestKind.TOKEN));
  }

  @Test
  void theJdkDefaultTrustRefusesTheSelfSignedSimulator() {
    try (LeaseManager leases = manager(ApiConnectProvider.builder().build(), config().build())) {
      refusedAsUntrusted(leases);
    }
  }

  @Test
  void aTrustStoreOfSomeOtherCertificateRefusesItToo() {
    ProviderConfig config = config().put(ApiConnectKeys.TRUST_STORE, otherTrust.toString())
        .put(ApiConnectKeys.TRUST_STORE_PASSWORD, OTHER_PW).build();
    try (LeaseManager leases = manager(ApiConnectProvider.builder().build(), config)) {
      refusedAsUntrusted(leases);
    }
  }

  @Test
  void theSecretsTrustStoreWinsOverAProviderContextThatWouldTrustIt() {
    ProviderConfig config = config().put(ApiConnectKeys.TRUST_STORE, otherTrust.toString())
        .put(ApiConnectKeys.TRUST_STORE_PASSWORD, OTHER_PW).build();
    ApiConnectProvider trusting = ApiConnectProvider.builder().sslContext(sim.sslContext()).build();
    try (LeaseManager leases = manager(trusting, config)) {
      refusedAsUntrusted(leases);
    }
  }

  @Test
  void aProviderSslContextTrustingTheSimulatorWorksEndToEnd() {
    ApiConnectProvider trusting = ApiConnectProvider.builder().sslContext(sim.sslContext()).build();
    try (LeaseManager leases = manager(trusting, config().build())) {
      worksEndToEnd(leases);
    }
  }

  @Test
  void aTrustStoreHoldingTheSimulatorCertificateWorksEndToEnd() {
    ProviderConfig config = config().put(ApiConnectKeys.TRUST_STORE, simulatorTrust.toString())
        .put(ApiConnectKeys.TRUST_STORE_PASSWORD, SIM_PW).build();
    try (LeaseManager leases = manager(ApiConnectProvider.builder().build(), config)) {
      worksEndToEnd(leases);
    }
  }

  @Test
  void plainHttpToTheHttpsSimulatorFailsWithoutMakingAnything() {
    ProviderConfig config = config().put(ApiConnectKeys.URL,
        sim.baseUrl().replace("https://", "http://")).put(ApiConnectKeys.REQUEST_TIMEOUT, "2s")
        .build();
    try (LeaseManager leases = manager(ApiConnectProvider.builder().build(), config)) {
      assertThrows(ProviderException.class, () -> leases.create("orders-api"));
      assertEquals(0, sim.liveCredentialCount());
      assertTrue(Fixture.snapshot(store).stream().noneMatch(l -> l.state() == LeaseState.ACTIVE));
    }
  }
}
