package dev.dynsecret.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynsecret.DynamicSecret;
import dev.dynsecret.Lease;
import dev.dynsecret.LeaseListener;
import dev.dynsecret.LeaseManager;
import dev.dynsecret.ManagerClosedException;
import dev.dynsecret.ProviderException;
import dev.dynsecret.RetryPolicy;
import dev.dynsecret.LeaseState;
import dev.dynsecret.TransientProviderException;
import dev.dynsecret.jdbc.JdbcLeaseStore;
import dev.dynsecret.memory.MemoryLeaseStore;
import dev.dynsecret.micrometer.DynsecretMetrics;
import dev.dynsecret.spi.LeaseStore;
import dev.dynsecret.spring.boot.internal.DynsecretLifecycle;
import dev.dynsecret.testkit.RecordingProvider;
import dev.dynsecret.testkit.TestClock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** Each bean, condition and property of the auto-configuration, on a context runner. */
class DynsecretAutoConfigurationTest {
  static final String SECRET = "dynsecret.secrets.orders-api.";

  private final RecordingProvider provider = new RecordingProvider();

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(DynsecretMetricsAutoConfiguration.class,
          DynsecretAutoConfiguration.class, DynsecretActuatorAutoConfiguration.class))
      .withBean(RecordingProvider.class, () -> provider);

  private ApplicationContextRunner withRecordingSecret() {
    return runner.withPropertyValues(SECRET + "provider=recording", SECRET + "default-ttl=10m",
        SECRET + "max-ttl=1h");
  }

  @Test
  void withoutPropertiesAManagerOnTheMemoryStoreWithNoSecrets() {
    runner.run(context -> {
      assertThat(context).hasSingleBean(LeaseManager.class);
      assertThat(context).hasSingleBean(DynsecretLifecycle.class);
      assertThat(context.getBean(LeaseStore.class)).isInstanceOf(MemoryLeaseStore.class);
      assertThat(context.getBean(LeaseManager.class).secrets()).isEmpty();
      assertThat(context).doesNotHaveBean(DynsecretMetrics.class); // no MeterRegistry
    });
  }

  @Test
  void dynsecretEnabledFalseConfiguresNothing() {
    withRecordingSecret().withPropertyValues("dynsecret.enabled=false").run(context -> {
      assertThat(context).doesNotHaveBean(LeaseManager.class);
      assertThat(context).doesNotHaveBean(LeaseStore.class);
      assertThat(context).doesNotHaveBean(DynsecretLifecycle.class);
    });
  }

  @Test
  void secretsAreRegisteredFromProperties() {
    runner.withPropertyValues(
            SECRET + "provider=recording",
            SECRET + "config.apiKey=k-1",
            SECRET + "config.url=http://127.0.0.1:1",
            SECRET + "default-ttl=10m",
            SECRET + "max-ttl=2h",
            SECRET + "lease-limit=3",
            "dynsecret.secrets.billing.provider=recording",
            "dynsecret.secrets.billing.default-ttl=30s")
        .run(context -> {
          LeaseManager manager = context.getBean(LeaseManager.class);
          DynamicSecret orders = manager.secret("orders-api").orElseThrow();
          assertEquals("recording", orders.providerType());
          assertEquals(Duration.ofMinutes(10), orders.defaultTtl());
          assertEquals(Duration.ofHours(2), orders.maxTtl());
          assertEquals(3, orders.leaseLimit().getAsInt());
          // Keys reach the provider as written: providers' keys are case-sensitive.
          assertEquals(List.of("apiKey", "url"), List.copyOf(orders.providerConfig().keys()));
          assertEquals("k-1", orders.providerConfig().require("apiKey"));
          DynamicSecret billing = manager.secret("billing").orElseThrow();
          assertEquals(Duration.ofSeconds(30), billing.maxTtl(), "max TTL defaults to the default TTL");
          assertTrue(billing.leaseLimit().isEmpty());

          assertEquals("orders-api", manager.create("orders-api").lease().secretName());
          assertEquals(1, provider.createCalls());
        });
  }

  @Test
  void nodeIdIsTheManagers() {
    runner.withPropertyValues("dynsecret.node-id=node-a").run(context ->
        assertEquals("node-a", context.getBean(LeaseManager.class).nodeId()));
  }

  @Test
  void retrySettingsReachTheEngine() {
    withRecordingSecret().withPropertyValues("dynsecret.retry.max-attempts=1").run(context -> {
      LeaseManager manager = context.getBean(LeaseManager.class);
      String id = manager.create("orders-api").lease().id();
      provider.failNextRevokes(1, () -> new TransientProviderException("503 (test)"));
      assertThrows(ProviderException.class, () -> manager.revoke(id));
      assertEquals(LeaseState.REVOCATION_FAILED, manager.get(id).state(),
          "one attempt in all: the first failure is the last");
    });
  }

  @Nested
  class Providers {
    @Test
    void providersOnTheClassPathAreFoundByServiceLoader() {
      // dynsecret-ibm-apic is on the test class path; its provider checks the configuration.
      runner.withPropertyValues(SECRET + "provider=ibm-api-connect", SECRET + "default-ttl=1h")
          .run(context -> {
            assertEquals("dynsecret.secrets.orders-api.config.url",
                PropertyFailures.of(context).property());
          });
    }

    @Test
    void discoverProvidersFalseUsesBeansOnly() {
      runner.withPropertyValues("dynsecret.discover-providers=false",
              SECRET + "provider=ibm-api-connect", SECRET + "default-ttl=1h")
          .run(context -> assertThat(PropertyFailures.of(context))
              .hasMessageContaining("Invalid property 'dynsecret.secrets.orders-api.provider'")
              .hasMessageContaining("no provider of type 'ibm-api-connect'")
              .hasMessageContaining("[recording]"));
    }

    @Test
    void aProviderBeanWinsOverTheDiscoveredProviderOfItsType() {
      RecordingProvider standIn = new RecordingProvider("ibm-api-connect");
      runner.withBean("standIn", RecordingProvider.class, () -> standIn)
          .withPropertyValues(SECRET + "provider=ibm-api-connect", SECRET + "default-ttl=1h")
          .run(context -> {
            assertThat(context).hasNotFailed(); // the real provider would refuse the empty config
            context.getBean(LeaseManager.class).create("orders-api");
            assertEquals(1, standIn.createCalls());
          });
    }
  }

  @Test
  void leaseListenerBeansHearTheManager() {
    CountDownLatch created = new CountDownLatch(1);
    LeaseListener listener = new LeaseListener() {
      @Override
      public void created(Lease lease) {
        created.countDown();
      }
    };
    withRecordingSecret().withBean(LeaseListener.class, () -> listener).run(context -> {
      context.getBean(LeaseManager.class).create("orders-api");
      assertEquals(0, created.getCount());
    });
  }

  @Test
  void customizersChangeTheBuilderBeforeItBuilds() {
    TestClock clock = TestClock.standard();
    LeaseManagerCustomizer useClock = builder -> builder.clock(clock);
    withRecordingSecret().withBean(LeaseManagerCustomizer.class, () -> useClock).run(context ->
        assertEquals(clock.instant(),
            context.getBean(LeaseManager.class).create("orders-api").lease().createdAt()));
  }

  @Nested
  class ApplicationBeansWin {
    @Test
    void theApplicationsStoreIsUsed() {
      MemoryLeaseStore own = new MemoryLeaseStore();
      withRecordingSecret().withBean("ownStore", LeaseStore.class, () -> own).run(context -> {
        assertThat(context).hasSingleBean(LeaseStore.class);
        String id = context.getBean(LeaseManager.class).create("orders-api").lease().id();
        assertTrue(own.find(id).isPresent());
      });
    }

    @Test
    void theApplicationsManagerIsUsedAndStillStartedAndClosed() {
      LeaseManager own = LeaseManager.builder().store(new MemoryLeaseStore()).build();
      runner.withBean("ownManager", LeaseManager.class, () -> own).run(context -> {
        assertThat(context).hasSingleBean(LeaseManager.class);
        assertThat(context.getBean(LeaseManager.class)).isSameAs(own);
      });
      assertThrows(ManagerClosedException.class, own::secrets);
    }

    @Test
    void theApplicationsMetricsAreUsed() {
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      DynsecretMetrics own = DynsecretMetrics.of(registry);
      withRecordingSecret().withBean(MeterRegistry.class, SimpleMeterRegistry::new)
          .withBean("ownMetrics", DynsecretMetrics.class, () -> own)
          .run(context -> {
            assertThat(context).hasSingleBean(DynsecretMetrics.class);
            context.getBean(LeaseManager.class).create("orders-api");
            assertEquals(1, registry.get("dynsecret.leases.created").counter().count());
          });
    }
  }

  @Nested
  class Metrics {
    @Test
    void withAMeterRegistryTheManagerIsMeasured() {
      withRecordingSecret().withBean(MeterRegistry.class, SimpleMeterRegistry::new).run(context -> {
        MeterRegistry registry = context.getBean(MeterRegistry.class);
        LeaseManager manager = context.getBean(LeaseManager.class);
        manager.revoke(manager.create("orders-api").lease().id());

        assertEquals(1, registry.get("dynsecret.leases.created").tag("secret", "orders-api").counter().count());
        assertEquals(1, registry.get("dynsecret.leases.revoked").tag("reason", "manual").counter().count());
        assertEquals(1, registry.get("dynsecret.provider.calls").tags("type", "recording",
            "operation", "create", "outcome", "success").timer().count());
        assertEquals(0, registry.get("dynsecret.leases.current").tags("secret", "orders-api",
            "state", "active").gauge().value());
      });
    }
  }

  @Nested
  class Lifecycle {
    @Test
    void backgroundWorkRunsOnceTheContextHasStarted() {
      TestClock clock = TestClock.standard();
      CountDownLatch expired = new CountDownLatch(1);
      LeaseListener listener = new LeaseListener() {
        @Override
        public void expired(Lease lease) {
          expired.countDown();
        }
      };
      withRecordingSecret()
          .withPropertyValues("dynsecret.poll-interval=20ms")
          .withBean(LeaseListener.class, () -> listener)
          .withBean(LeaseManagerCustomizer.class, () -> builder -> builder.clock(clock))
          .run(context -> {
            assertTrue(context.getBean(DynsecretLifecycle.class).isRunning());
            context.getBean(LeaseManager.class).create("orders-api", Duration.ofMinutes(1));
            clock.advance(Duration.ofMinutes(2));
            // Nobody calls processDue: only the started background work can expire it.
            assertTrue(expired.await(30, TimeUnit.SECONDS), "background work never expired the lease");
          });
    }

    @Test
    void closingTheContextRevokesTheMemoryStoresLeasesAndClosesTheManager() {
      LeaseManager[] manager = new LeaseManager[1];
      withRecordingSecret().run(context -> {
        manager[0] = context.getBean(LeaseManager.class);
        manager[0].create("orders-api");
        manager[0].create("orders-api");
        assertEquals(2, provider.liveCredentials().size());
      });
      assertEquals(0, provider.liveCredentials().size(), "nothing left behind at the provider");
      assertThrows(ManagerClosedException.class, manager[0]::secrets);
    }

    @Test
    void revokeOnShutdownFalseLeavesTheLeases() {
      withRecordingSecret().withPropertyValues("dynsecret.revoke-on-shutdown=false").run(context ->
          context.getBean(LeaseManager.class).create("orders-api"));
      assertEquals(1, provider.liveCredentials().size());
    }
  }

  @Nested
  class JdbcStore {
    private ApplicationContextRunner jdbc(String database) {
      return withRecordingSecret()
          .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class))
          .withPropertyValues("spring.datasource.url=jdbc:h2:mem:" + database + ";DB_CLOSE_DELAY=-1",
              "dynsecret.store.type=jdbc");
    }

    @Test
    void storeTypeJdbcUsesTheApplicationsDataSource() {
      jdbc("store1").withPropertyValues("dynsecret.store.create-schema=true",
          "dynsecret.store.table-prefix=app_ds_").run(context -> {
        JdbcLeaseStore store = (JdbcLeaseStore) context.getBean(LeaseStore.class);
        assertEquals("app_ds_", store.tablePrefix());
        String id = context.getBean(LeaseManager.class).create("orders-api").lease().id();
        assertTrue(store.find(id).isPresent());
      });
      assertEquals(1, provider.liveCredentials().size(),
          "leases in a database outlive the process: not revoked on shutdown by default");
    }

    @Test
    void withoutCreateSchemaAMissingSchemaFailsStartUp() {
      jdbc("store2").run(context -> assertThat(context.getStartupFailure()).rootCause()
          .hasMessageContaining("schema not found"));
    }
  }
}
