package dev.dynsecret;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dynsecret.fixtures.MutableClock;
import dev.dynsecret.fixtures.SimpleStore;
import dev.dynsecret.fixtures.StubProvider;
import dev.dynsecret.spi.CreatedCredential;
import dev.dynsecret.spi.CredentialRef;
import dev.dynsecret.spi.ProviderConnection;
import dev.dynsecret.spi.ProviderContext;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** A provider's report that its system throttles reaches the listeners, naming the secret. */
class ProviderThrottledTest {

  /** Says "throttled" once on its first create, as a provider's shared throttle would. */
  private static final class ThrottledProvider extends StubProvider {
    @Override
    public ProviderConnection connect(ProviderConfig config, ProviderContext context) {
      ProviderConnection inner = connect(config);
      return new ProviderConnection() {
        @Override
        public CreatedCredential create(Lease lease) {
          context.throttled("https://apic.example/api", Duration.ofSeconds(2));
          return inner.create(lease);
        }

        @Override
        public void revoke(CredentialRef credential) {
          inner.revoke(credential);
        }

        @Override
        public void verify() {}
      };
    }
  }

  @Test
  void listenersHearWhichSecretWasThrottledWhereAndForHowLong() {
    List<String> heard = new CopyOnWriteArrayList<>();
    ThrottledProvider provider = new ThrottledProvider();
    try (LeaseManager leases = LeaseManager.builder().store(new SimpleStore())
        .provider(provider).discoverProviders(false)
        .clock(new MutableClock(Instant.parse("2030-01-01T00:00:00Z")))
        .listener(new LeaseListener() {
          @Override
          public void providerThrottled(String secretName, String target, Duration wait) {
            heard.add(secretName + " " + target + " " + wait);
          }
        })
        .secret(DynamicSecret.builder("orders-api").provider(provider.type(),
            ProviderConfig.empty()).defaultTtl(Duration.ofMinutes(1)).build())
        .build()) {
      leases.create("orders-api");
    }
    assertEquals(List.of("orders-api https://apic.example/api PT2S"), heard);
  }
}
