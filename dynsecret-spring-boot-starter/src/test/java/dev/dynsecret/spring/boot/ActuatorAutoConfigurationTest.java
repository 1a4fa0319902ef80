package dev.dynsecret.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynsecret.DefinitiveProviderException;
import dev.dynsecret.LeaseManager;
import dev.dynsecret.memory.MemoryLeaseStore;
import dev.dynsecret.spi.LeaseStore;
import dev.dynsecret.spring.boot.actuate.DynsecretEndpoint;
import dev.dynsecret.spring.boot.actuate.DynsecretEndpoint.LeaseView;
import dev.dynsecret.spring.boot.actuate.DynsecretEndpoint.SecretLeases;
import dev.dynsecret.spring.boot.actuate.DynsecretEndpoint.Summary;
import dev.dynsecret.spring.boot.actuate.DynsecretHealthIndicator;
import dev.dynsecret.spring.boot.actuate.DynsecretWriteEndpoint;
import dev.dynsecret.spring.boot.actuate.LeaseCounts;
import dev.dynsecret.testkit.FlakyLeaseStore;
import dev.dynsecret.testkit.RecordingProvider;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The health indicator, the endpoint and the masking, each with its conditions. */
class ActuatorAutoConfigurationTest {
  private static final String SECRET = "dynsecret.secrets.orders-api.";

  private final RecordingProvider provider = new RecordingProvider();

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(DynsecretAutoConfiguration.class,
          DynsecretActuatorAutoConfiguration.class))
      .withBean(RecordingProvider.class, () -> provider)
      .withPropertyValues(SECRET + "provider=recording", SECRET + "default-ttl=10m",
          SECRET + "max-ttl=1h");

  @Nested
  class HealthIndicator {
    @Test
    void upWithTheLeaseCountsOfEverySecret() {
      runner.run(context -> {
        LeaseManager manager = context.getBean(LeaseManager.class);
        manager.create("orders-api");
        Health health = context.getBean(DynsecretHealthIndicator.class).health(true);
        assertEquals(Status.UP, health.getStatus());
        assertEquals(0L, health.getDetails().get("revocationFailed"));
        assertEquals(Map.of("orders-api", new LeaseCounts(0, 1, 0)), health.getDetails().get("secrets"));
      });
    }

    @Test
    void outOfServiceWhileALeaseIsRevocationFailed() {
      runner.run(context -> {
        LeaseManager manager = context.getBean(LeaseManager.class);
        String id = manager.create("orders-api").lease().id();
        provider.failAllRevokes(() -> new DefinitiveProviderException("403 (test)"));
        assertThrows(DefinitiveProviderException.class, () -> manager.revoke(id));

        Health health = context.getBean(DynsecretHealthIndicator.class).health(true);
        assertEquals(Status.OUT_OF_SERVICE, health.getStatus());
        assertEquals(1L, health.getDetails().get("revocationFailed"));
        provider.failAllRevokes(null);
      });
    }

    @Test
    void theStatusForRevocationFailedLeasesIsAProperty() {
      runner.withPropertyValues("dynsecret.health.revocation-failed-status=down").run(context -> {
        LeaseManager manager = context.getBean(LeaseManager.class);
        String id = manager.create("orders-api").lease().id();
        provider.failAllRevokes(() -> new DefinitiveProviderException("403 (test)"));
        assertThrows(DefinitiveProviderException.class, () -> manager.revoke(id));
        assertEquals(Status.DOWN, context.getBean(DynsecretHealthIndicator.class).health().getStatus());
        provider.failAllRevokes(null);
      });
    }

    @Test
    void downWhenTheStoreCannotBeRead() {
      FlakyLeaseStore store = new FlakyLeaseStore(new MemoryLeaseStore(), 1);
      runner.withBean(LeaseStore.class, () -> store).withPropertyValues("dynsecret.revoke-on-shutdown=false")
          .run(context -> {
            store.down(true);
            Health health = context.getBean(DynsecretHealthIndicator.class).health(true);
            assertEquals(Status.DOWN, health.getStatus());
            assertThat(String.valueOf(health.getDetails().get("error"))).contains("StoreException");
            store.down(false);
          });
    }

    @Test
    void offWithManagementHealthDynsecretEnabledFalse() {
      runner.withPropertyValues("management.health.dynsecret.enabled=false").run(context ->
          assertThat(context).doesNotHaveBean(DynsecretHealthIndicator.class));
    }
  }

  @Nested
  class Endpoint {
    private final ApplicationContextRunner exposed =
        runner.withPropertyValues("management.endpoints.web.exposure.include=dynsecret");

    @Test
    void onlyWhenExposed() {
      runner.run(context -> assertThat(context).doesNotHaveBean(DynsecretEndpoint.class));
      exposed.withPropertyValues("management.endpoint.dynsecret.access=NONE").run(context ->
          assertThat(context).doesNotHaveBean(DynsecretEndpoint.class));
    }

    @Test
    void readOnlyUnlessWritesAreEnabled() {
      exposed.run(context -> {
        assertThat(context).hasSingleBean(DynsecretEndpoint.class);
        assertThat(context).doesNotHaveBean(DynsecretWriteEndpoint.class);
      });
      exposed.withPropertyValues("dynsecret.actuator.write-enabled=true").run(context -> {
        assertThat(context).hasSingleBean(DynsecretEndpoint.class);
        assertThat(context).hasSingleBean(DynsecretWriteEndpoint.class);
      });
    }

    @Test
    void readsSecretsLeasesAndOneLease() {
      exposed.run(context -> {
        LeaseManager manager = context.getBean(LeaseManager.class);
        DynsecretEndpoint endpoint = context.getBean(DynsecretEndpoint.class);
        String first = manager.create("orders-api").lease().id();
        manager.revoke(manager.create("orders-api").lease().id());

        Summary summary = endpoint.secrets();
        assertEquals(manager.nodeId(), summary.nodeId());
        assertEquals("recording", summary.secrets().get("orders-api").provider());
        assertEquals("PT10M", summary.secrets().get("orders-api").defaultTtl());
        assertEquals(new LeaseCounts(0, 1, 0), summary.secrets().get("orders-api").leases());

        SecretLeases all = endpoint.secret("orders-api", null, null, null);
        assertEquals(2, all.leases().size());
        SecretLeases active = endpoint.secret("orders-api", "active", null, null);
        assertEquals(1, active.leases().size());
        LeaseView lease = active.leases().get(0);
        assertEquals(first, lease.id());
        assertEquals("active", lease.state());
        assertEquals(Instant.parse(lease.createdAt()).plusSeconds(3600).toString(), lease.hardLimitAt());
        SecretLeases page = endpoint.secret("orders-api", null, null, 1);
        assertEquals(1, page.leases().size());
        // Ids made in one millisecond need not sort in creation order: the cursor is whichever
        // lease the listing puts first.
        assertEquals(all.leases().get(0).id(), page.nextCursor());

        assertEquals(first, endpoint.lease("orders-api", first).id());
        assertNull(endpoint.lease("other", first), "a lease is found under its own secret only");
        assertNull(endpoint.lease("orders-api", "no-such-lease"));
        assertNull(endpoint.secret("no-such-secret", null, null, null));
        assertThrows(InvalidEndpointRequestException.class,
            () -> endpoint.secret("orders-api", "alive", null, null));
        assertThrows(InvalidEndpointRequestException.class,
            () -> endpoint.secret("orders-api", null, null, 0));
      });
    }

    @Test
    void writesRenewAndRevoke() {
      exposed.withPropertyValues("dynsecret.actuator.write-enabled=true").run(context -> {
        LeaseManager manager = context.getBean(LeaseManager.class);
        DynsecretWriteEndpoint endpoint = context.getBean(DynsecretWriteEndpoint.class);
        String id = manager.create("orders-api").lease().id();

        LeaseView renewed = endpoint.renew("orders-api", id, "30m");
        assertEquals(Instant.parse(renewed.renewedAt()).plusSeconds(1800).toString(), renewed.expiresAt());
        assertThrows(InvalidEndpointRequestException.class, () -> endpoint.renew("orders-api", id, "2h"),
            "past the hard limit");
        assertThrows(InvalidEndpointRequestException.class, () -> endpoint.renew("orders-api", id, "soon"));

        assertEquals("revoked", endpoint.revoke("orders-api", id).state());
        assertEquals(0, provider.liveCredentials().size());
        assertThrows(InvalidEndpointRequestException.class, () -> endpoint.renew("orders-api", id, null),
            "a revoked lease cannot be renewed");
        assertNull(endpoint.revoke("orders-api", "no-such-lease"));
      });
    }
  }

  @Test
  void providerConfigurationValuesAreMaskedWhateverTheSpelling() {
    runner.run(context -> {
      SanitizingFunction function = context.getBean("dynsecretSanitizingFunction", SanitizingFunction.class);
      for (String key : new String[] {"dynsecret.secrets.orders-api.config.apiKey",
          "dynsecret.secrets.orders-api.config.url", "DYNSECRET_SECRETS_ORDERS_CONFIG_CLIENTSECRET",
          "dynsecret.secrets[orders.api].config[client-secret]"}) {
        assertEquals(SanitizableData.SANITIZED_VALUE,
            function.applyUnlessFiltered(new SanitizableData(null, key, "v")).getValue(), key);
      }
      assertEquals("10m", function.applyUnlessFiltered(
          new SanitizableData(null, "dynsecret.secrets.orders-api.default-ttl", "10m")).getValue());
      assertTrue(context.containsBean("dynsecretSanitizingFunction"));
    });
  }
}
