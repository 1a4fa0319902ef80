package dev.dynsecret.testkit;

import dev.dynsecret.DefinitiveProviderException;
import dev.dynsecret.Lease;
import dev.dynsecret.ProviderConfig;
import dev.dynsecret.Secret;
import dev.dynsecret.SecretData;
import dev.dynsecret.spi.CreatedCredential;
import dev.dynsecret.spi.CredentialRef;
import dev.dynsecret.spi.DynamicSecretProvider;
import dev.dynsecret.spi.ProviderConnection;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The contract over a provider that declares none of the optional abilities (no lookup, listing or
 * renewal): the tests that need one are skipped with their reason, and every other test passes.
 * This is the opt-out the contract documents; were a test to need an undeclared ability, it would
 * fail here.
 */
class BareProviderContractTest extends ProviderContract {
  /** The "external system": credential name to secret value. */
  private static final Map<String, String> LIVE = new ConcurrentHashMap<>();
  private static final String GOOD_KEY = "good-key-7f3a91c2";

  private static final class BareProvider implements DynamicSecretProvider {
    @Override
    public String type() {
      return "bare";
    }

    @Override
    public ProviderConnection connect(ProviderConfig config) {
      config.require("url");
      Secret apiKey = config.requireSecret("apiKey");
      return new ProviderConnection() {
        @Override
        public CreatedCredential create(Lease lease) {
          String secret = "bare-secret-" + UUID.randomUUID();
          LIVE.put("bare-" + lease.id(), secret); // a second create replaces the first
          return new CreatedCredential("bare-" + lease.id(),
              SecretData.of(Map.of("SECRET", Secret.of(secret))));
        }

        @Override
        public void revoke(CredentialRef credential) {
          LIVE.remove("bare-" + credential.leaseId()); // by name: works without an external id
        }

        @Override
        public void verify() {
          if (!apiKey.reveal().equals(GOOD_KEY)) {
            throw new DefinitiveProviderException("authentication failed: the API key was refused");
          }
        }
      };
    }
  }

  @Override
  protected DynamicSecretProvider provider() {
    return new BareProvider();
  }

  @Override
  protected ProviderConfig config() {
    return ProviderConfig.builder().put("url", "bare://system").put("apiKey", GOOD_KEY).build();
  }

  @Override
  protected ProviderTarget target() {
    return new ProviderTarget() {
      @Override
      public boolean credentialExists(Lease lease) {
        return LIVE.containsKey("bare-" + lease.id());
      }

      @Override
      public boolean accepts(SecretData data) {
        return LIVE.containsValue(data.get("SECRET").reveal());
      }
    };
  }

  @Override
  protected Set<String> requiredConfigKeys() {
    return Set.of("url", "apiKey");
  }

  @Override
  protected Set<String> secretConfigKeys() {
    return Set.of("apiKey");
  }

  @Override
  protected ProviderConfig wrongCredentialsConfig() {
    return ProviderConfig.builder().put("url", "bare://system").put("apiKey", "wrong-key-26d0e8b4")
        .build();
  }

  @Override
  protected String wrongCredentialsStep() {
    return "authentication";
  }
}
