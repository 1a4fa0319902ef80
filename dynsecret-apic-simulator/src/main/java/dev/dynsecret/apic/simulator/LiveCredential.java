package dev.dynsecret.apic.simulator;

/**
 * A credential that exists in the simulator right now, as seen by a test. It carries no client
 * secret; use {@link ApicSimulator#isValidAppCredential(String, dev.dynsecret.Secret)} to check one.
 *
 * @param org name of the provider org
 * @param catalog name of the catalog
 * @param consumerOrg name of the consumer org
 * @param app name of the application the credential belongs to
 * @param id the credential's id
 * @param name the credential's name
 * @param clientId the credential's client id (not secret)
 */
public record LiveCredential(
    String org, String catalog, String consumerOrg, String app, String id, String name,
    String clientId) {}
