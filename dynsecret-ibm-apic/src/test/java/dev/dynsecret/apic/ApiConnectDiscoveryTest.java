package dev.dynsecret.apic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynsecret.DefinitiveProviderException;
import dev.dynsecret.InvalidRequestException;
import dev.dynsecret.NotFoundException;
import dev.dynsecret.ProviderConfig;
import dev.dynsecret.apic.simulator.ApicSimulator;
import dev.dynsecret.apic.simulator.Fault;
import dev.dynsecret.apic.simulator.RequestKind;
import dev.dynsecret.buildsupport.SecretsUsed;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Discovery against the simulator, one item per page so that every list is paged through. */
class ApiConnectDiscoveryTest {
  ApicSimulator apic;

  @BeforeEach
  void start() {
    apic = ApicSimulator.builder().maxPageSize(1).start();
    SecretsUsed.record(apic.apiKey());
    SecretsUsed.record(apic.clientSecret());
  }

  @AfterEach
  void stop() {
    apic.close();
  }

  /** Only the connection keys: discovery is how one finds org, catalog and app. */
  ProviderConfig connectionOnly() {
    return ProviderConfig.builder().put("url", apic.baseUrl()).put("apiKey", apic.apiKey())
        .put("clientId", apic.clientId()).put("clientSecret", apic.clientSecret()).build();
  }

  @Test
  void listsOrganizationsCatalogsAndApplicationsWithTheirConsumerOrgs() {
    apic.addConsumerOrg("partner-co");
    apic.addApp("partner-co", "partner-app");
    apic.addApp("partner-co", "partner-batch");
    String org = apic.seed().org().name();
    String catalog = apic.seed().catalog().name();
    try (ApiConnectDiscovery discovery = ApiConnectDiscovery.connect(connectionOnly())) {
      List<ApiConnectDiscovery.Organization> orgs = discovery.organizations();
      assertEquals(List.of(org), orgs.stream().map(ApiConnectDiscovery.Organization::name).toList());
      assertEquals(apic.seed().org().id(), orgs.get(0).id());

      assertEquals(List.of(catalog), discovery.catalogs(org).stream()
          .map(ApiConnectDiscovery.Catalog::name).toList());
      assertEquals(catalog, discovery.catalogs(apic.seed().org().id()).get(0).name(),
          "an organization by id works too");

      Map<String, String> owners = discovery.applications(org, catalog).stream().collect(
          Collectors.toMap(ApiConnectDiscovery.Application::name,
              ApiConnectDiscovery.Application::consumerOrgName));
      assertEquals(Map.of(apic.seed().app().name(), apic.seed().consumerOrg().name(),
          "partner-app", "partner-co", "partner-batch", "partner-co"), owners);
      assertTrue(apic.requestCount(RequestKind.LIST_APPS) >= 3, "one app per page: paged");
      assertEquals(1, apic.requestCount(RequestKind.TOKEN), "one token for the session");
    }
  }

  @Test
  void anUnknownOrganizationOrCatalogIsNotFound() {
    try (ApiConnectDiscovery discovery = ApiConnectDiscovery.connect(connectionOnly())) {
      NotFoundException org = assertThrows(NotFoundException.class,
          () -> discovery.catalogs("no-such-org"));
      assertTrue(org.getMessage().contains("organization 'no-such-org' was not found"),
          org.getMessage());
      NotFoundException catalog = assertThrows(NotFoundException.class,
          () -> discovery.applications(apic.seed().org().name(), "no-such-catalog"));
      assertTrue(catalog.getMessage().contains("catalog 'no-such-catalog'"), catalog.getMessage());
    }
  }

  @Test
  void aRefusedKeyIsADefinitiveFailureWithoutSecrets() {
    apic.faults().failNext(1, Fault.status(401, Fault.BodyKind.JSON), RequestKind.TOKEN);
    try (ApiConnectDiscovery discovery = ApiConnectDiscovery.connect(connectionOnly())) {
      DefinitiveProviderException e = assertThrows(DefinitiveProviderException.class,
          discovery::organizations);
      assertTrue(e.getMessage().contains("rejected the API key"), e.getMessage());
      assertFalse(e.getMessage().contains(apic.apiKey().reveal()));
      assertFalse(discovery.toString().contains(apic.apiKey().reveal()));
    }
  }

  @Test
  void aMissingConnectionKeyIsNamed() {
    ProviderConfig noKey = ProviderConfig.builder().put("url", apic.baseUrl())
        .put("clientId", apic.clientId()).put("clientSecret", apic.clientSecret()).build();
    InvalidRequestException e = assertThrows(InvalidRequestException.class,
        () -> ApiConnectDiscovery.connect(noKey));
    assertEquals("apiKey", e.field());
  }

  @Test
  void aWholeSecretConfigurationWorksToo() {
    try (ApiConnectDiscovery discovery =
        ApiConnectDiscovery.connect(apic.providerConfig().build())) {
      assertEquals(1, discovery.organizations().size());
    }
  }
}
