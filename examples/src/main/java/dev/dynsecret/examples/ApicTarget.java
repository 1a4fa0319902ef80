package dev.dynsecret.examples;

import dev.dynsecret.InvalidRequestException;
import dev.dynsecret.apic.ApiConnectKeys;
import dev.dynsecret.ProviderConfig;
import dev.dynsecret.apic.simulator.ApicSimulator;
import dev.dynsecret.apic.simulator.RequestKind;
import dev.dynsecret.apic.simulator.Seed;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The IBM API Connect the examples talk to: a real one named by environment variables, or, when
 * {@code DYNSECRET_APIC_URL} is not set, an in-process simulator.
 *
 * <table>
 *   <caption>Environment variables</caption>
 *   <tr><td>{@code DYNSECRET_APIC_URL}</td><td>platform API URL; HTTPS, or HTTP on loopback only</td></tr>
 *   <tr><td>{@code DYNSECRET_APIC_API_KEY}</td><td>API key from "My API Keys"</td></tr>
 *   <tr><td>{@code DYNSECRET_APIC_CLIENT_ID}</td><td>toolkit client ID</td></tr>
 *   <tr><td>{@code DYNSECRET_APIC_CLIENT_SECRET}</td><td>toolkit client secret</td></tr>
 *   <tr><td>{@code DYNSECRET_APIC_ORG}</td><td>provider organization, name or id</td></tr>
 *   <tr><td>{@code DYNSECRET_APIC_CATALOG}</td><td>catalog, name or id</td></tr>
 *   <tr><td>{@code DYNSECRET_APIC_APP}</td><td>application, name or id</td></tr>
 *   <tr><td>{@code DYNSECRET_APIC_CONSUMER_ORG}</td><td>optional; resolved from the application</td></tr>
 * </table>
 */
final class ApicTarget implements AutoCloseable {
  static final String URL = "DYNSECRET_APIC_URL";

  /** Each required variable and the provider configuration key it fills. */
  private static final Map<String, String> REQUIRED = Map.of(
      "DYNSECRET_APIC_API_KEY", ApiConnectKeys.API_KEY,
      "DYNSECRET_APIC_CLIENT_ID", ApiConnectKeys.CLIENT_ID,
      "DYNSECRET_APIC_CLIENT_SECRET", ApiConnectKeys.CLIENT_SECRET,
      "DYNSECRET_APIC_ORG", ApiConnectKeys.ORG,
      "DYNSECRET_APIC_CATALOG", ApiConnectKeys.CATALOG,
      "DYNSECRET_APIC_APP", ApiConnectKeys.APP);
  private static final String CONSUMER_ORG = "DYNSECRET_APIC_CONSUMER_ORG";

  private final ProviderConfig config;
  private final ApicSimulator simulator;
  private final String description;

  private ApicTarget(ProviderConfig config, ApicSimulator simulator, String description) {
    this.config = config;
    this.simulator = simulator;
    this.description = description;
  }

  /**
   * The APIC named by {@code env}, or a fresh simulator when {@code DYNSECRET_APIC_URL} is unset.
   *
   * @throws InvalidRequestException naming the first missing variable
   */
  static ApicTarget fromEnvironment(Map<String, String> env) {
    String url = env.get(URL);
    if (url == null || url.isBlank()) {
      return simulated();
    }
    ProviderConfig.Builder config = ProviderConfig.builder().put(ApiConnectKeys.URL, url.strip());
    for (String variable : new java.util.TreeSet<>(REQUIRED.keySet())) {
      String value = env.get(variable);
      if (value == null || value.isBlank()) {
        throw new InvalidRequestException(variable, "must be set when " + URL + " is set");
      }
      config.put(REQUIRED.get(variable), value);
    }
    config.put(ApiConnectKeys.CONSUMER_ORG, env.get(CONSUMER_ORG));
    return new ApicTarget(config.build(), null, url.strip() + " (from " + URL + ")");
  }

  /** A simulator seeded with one org, catalog, consumer org and application. */
  static ApicTarget simulated() {
    ApicSimulator simulator = ApicSimulator.builder().start();
    Seed seed = simulator.seed();
    ProviderConfig config = simulator.providerConfig()
        .build();
    return new ApicTarget(config, simulator, "the built-in simulator at " + simulator.baseUrl()
        + " (set " + URL + " and the other DYNSECRET_APIC_* variables to use a real APIC)");
  }

  ProviderConfig config() {
    return config;
  }

  String description() {
    return description;
  }

  /**
   * How many credentials with dynsecret's naming the simulator still holds for the application.
   * Against a real APIC this is 0 by construction: the engine marks a lease revoked only once APIC
   * has confirmed the deletion (2xx, or 404 for already gone), and the quickstart checks that every
   * lease is revoked.
   */
  int credentialsLeft() {
    if (simulator == null) {
      return 0;
    }
    Seed seed = simulator.seed();
    return (int) simulator.liveCredentialNames(seed.app().name()).stream()
        .filter(name -> name.startsWith("dynsecret-"))
        .count();
  }

  /** Token requests the simulator answered, if this is the simulator. */
  OptionalLong tokenRequests() {
    return simulator == null ? OptionalLong.empty() : OptionalLong.of(simulator.requestCount(RequestKind.TOKEN));
  }

  @Override
  public void close() {
    if (simulator != null) {
      simulator.close();
    }
  }
}
