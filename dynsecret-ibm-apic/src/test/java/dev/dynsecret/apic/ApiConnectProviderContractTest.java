package dev.dynsecret.apic;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dynsecret.Lease;
import dev.dynsecret.SecretData;
import dev.dynsecret.spi.DynamicSecretProvider;
import dev.dynsecret.ProviderConfig;
import dev.dynsecret.testkit.ProviderContract;
import dev.dynsecret.testkit.ProviderTarget;
import dev.dynsecret.apic.simulator.ApicSimulator;
import dev.dynsecret.apic.simulator.Fault;
import dev.dynsecret.apic.simulator.Fault.BodyKind;
import dev.dynsecret.apic.simulator.RequestKind;
import dev.dynsecret.apic.simulator.Seed;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The IBM API Connect provider passes the provider contract against the APIC simulator: real
 * HTTP, real credentials on a simulated application, failures injected by the simulator.
 */
class ApiConnectProviderContractTest extends ProviderContract {
  private static ApicSimulator sim;

  @BeforeAll
  static void startSimulator() {
    sim = ApicSimulator.builder().start();
  }

  @AfterAll
  static void stopSimulator() {
    sim.close();
  }

  @Override
  protected DynamicSecretProvider provider() {
    // Retries of GET and DELETE wait for nothing, so a failure that outlasts them is quick.
    return ApiConnectProvider.builder().sleeper(wait -> {}).build();
  }

  @Override
  protected ProviderConfig config() {
    Seed seed = sim.seed();
    return sim.providerConfig()
        .put(ApiConnectKeys.CREATE_DEADLINE, "2s") // the waits are not slept: over in a moment
        .build();
  }

  @Override
  protected ProviderTarget target() {
    return new SimulatedApic();
  }

  @Override
  protected Set<String> requiredConfigKeys() {
    return Set.of(ApiConnectKeys.URL, ApiConnectKeys.API_KEY, ApiConnectKeys.CLIENT_ID,
        ApiConnectKeys.CLIENT_SECRET, ApiConnectKeys.ORG, ApiConnectKeys.CATALOG,
        ApiConnectKeys.APP);
  }

  @Override
  protected Set<String> secretConfigKeys() {
    return Set.of(ApiConnectKeys.API_KEY, ApiConnectKeys.CLIENT_SECRET);
  }

  @Override
  protected ProviderConfig wrongCredentialsConfig() {
    return ProviderConfig.builder()
        .put(ApiConnectKeys.URL, sim.baseUrl())
        .put(ApiConnectKeys.API_KEY, "wrong-api-key-0b9e1d27c4f6")
        .put(ApiConnectKeys.CLIENT_ID, sim.clientId())
        .put(ApiConnectKeys.CLIENT_SECRET, sim.clientSecret())
        .put(ApiConnectKeys.ORG, sim.seed().org().name())
        .put(ApiConnectKeys.CATALOG, sim.seed().catalog().name())
        .put(ApiConnectKeys.APP, sim.seed().app().name())
        .build();
  }

  @Override
  protected String wrongCredentialsStep() {
    return "authentication";
  }

  @Override
  protected Map<String, String> malformedConfigValues() {
    return Map.of(
        ApiConnectKeys.URL, "ftp://platform-api.example.com",
        ApiConnectKeys.REQUEST_TIMEOUT, "soon");
  }

  /** The simulator, looked at directly: its credential list, its client check, its faults. */
  private static final class SimulatedApic implements ProviderTarget {
    @Override
    public boolean credentialExists(Lease lease) {
      return sim.liveCredentialNames(sim.seed().app().name()).contains(nameOf(lease));
    }

    @Override
    public boolean accepts(SecretData secretData) {
      return sim.isValidAppCredential(secretData.get(ApiConnectProvider.CLIENT_ID).reveal(),
          secretData.get(ApiConnectProvider.CLIENT_SECRET));
    }

    /** Deletes through the platform API with a token of its own, as another admin tool would. */
    @Override
    public boolean deleteOutOfBand(Lease lease) {
      HttpClient http = HttpClient.newHttpClient();
      ObjectMapper json = new ObjectMapper();
      try {
        ObjectNode grant = json.createObjectNode()
            .put("grant_type", "api_key")
            .put("client_id", sim.clientId())
            .put("client_secret", sim.clientSecret().reveal())
            .put("api_key", sim.apiKey().reveal());
        HttpResponse<String> token = http.send(HttpRequest.newBuilder(URI.create(sim.baseUrl()
                + "/api/token"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(grant))).build(),
            HttpResponse.BodyHandlers.ofString());
        String bearer = json.readTree(token.body()).path("access_token").asText();
        HttpResponse<Void> deleted = http.send(HttpRequest.newBuilder(URI.create(sim.baseUrl()
                + sim.seed().credentialsPath() + "/" + nameOf(lease)))
            .header("Authorization", "Bearer " + bearer).DELETE().build(),
            HttpResponse.BodyHandlers.discarding());
        if (deleted.statusCode() / 100 != 2) {
          throw new IllegalStateException("the out-of-band DELETE answered " + deleted.statusCode());
        }
        return true;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }

    @Override
    public boolean induceFailure(Operation operation, Failure failure) {
      RequestKind kind = operation == Operation.CREATE
          ? RequestKind.CREATE_CREDENTIAL : RequestKind.DELETE_CREDENTIAL;
      // Failures that outlast the provider's retries (of a DELETE, and of a create within its
      // deadline), until cleared after the test.
      switch (failure) {
        case TRANSIENT -> sim.faults().errorRate(1, Fault.status(503, BodyKind.JSON), kind);
        case DEFINITIVE -> sim.faults().failNext(10, Fault.status(403, BodyKind.JSON), kind);
        case ANSWER_LOST -> {
          if (operation != Operation.CREATE) {
            return false;
          }
          // A lost answer alone is cured inside create (the leftover is replaced); one followed
          // by an outage until the deadline is what reconciliation has to clean up.
          sim.faults().failNext(1, Fault.dropConnection().afterProcessing(), kind);
          sim.faults().errorRate(1, Fault.status(503, BodyKind.JSON), kind);
        }
      }
      return true;
    }

    @Override
    public void clearFailures() {
      sim.faults().clear();
    }

    private static String nameOf(Lease lease) {
      return "dynsecret-" + lease.id(); // the documented credential name
    }
  }
}
