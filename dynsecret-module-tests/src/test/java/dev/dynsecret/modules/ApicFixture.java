package dev.dynsecret.modules;

import dev.dynsecret.ProviderConfig;
import dev.dynsecret.Secret;
import dev.dynsecret.apic.simulator.ApicSimulator;
import dev.dynsecret.apic.simulator.LiveCredential;
import dev.dynsecret.buildsupport.SecretsUsed;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The IBM API Connect simulator the applications run against, started in the test JVM. The one
 * class here that names the simulator's package and {@link SecretsUsed}.
 */
final class ApicFixture implements AutoCloseable {
  private final ApicSimulator simulator = ApicSimulator.builder().start();
  private final ProviderConfig config = simulator.providerConfig().build();

  ApicFixture() {
    SecretsUsed.record(simulator.apiKey());
    SecretsUsed.record(simulator.clientSecret());
  }

  /** The variables the applications read their provider configuration from. */
  Map<String, String> environment() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("DYNSECRET_APIC_URL", config.require("url"));
    env.put("DYNSECRET_APIC_API_KEY", config.requireSecret("apiKey").reveal());
    env.put("DYNSECRET_APIC_CLIENT_ID", config.require("clientId"));
    env.put("DYNSECRET_APIC_CLIENT_SECRET", config.requireSecret("clientSecret").reveal());
    env.put("DYNSECRET_APIC_ORG", config.require("org"));
    env.put("DYNSECRET_APIC_CATALOG", config.require("catalog"));
    env.put("DYNSECRET_APIC_APP", config.require("app"));
    return env;
  }

  /** The credentials that exist on the simulated APIC now, as {@code name clientId}. */
  List<String> liveCredentials() {
    return simulator.liveCredentials().stream()
        .map((LiveCredential c) -> c.name() + " " + c.clientId())
        .toList();
  }

  /** Records a secret the application received, for the search of the test logs. */
  void recordSecret(String value) {
    SecretsUsed.record(value);
  }

  /** Whether a credential with this client id exists now and has this client secret. */
  boolean accepts(String clientId, String clientSecret) {
    return simulator.isValidAppCredential(clientId, Secret.of(clientSecret));
  }

  @Override
  public void close() {
    simulator.close();
  }
}
