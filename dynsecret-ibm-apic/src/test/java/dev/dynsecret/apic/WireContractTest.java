package dev.dynsecret.apic;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.notFound;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.dynsecret.apic.Apic.API_KEY;
import static dev.dynsecret.apic.Apic.CLIENT_ID;
import static dev.dynsecret.apic.Apic.CLIENT_SECRET;
import static dev.dynsecret.apic.Apic.CREDENTIALS;
import static dev.dynsecret.apic.Apic.CREDENTIAL_NAME;
import static dev.dynsecret.apic.Apic.GENERATED_ID;
import static dev.dynsecret.apic.Apic.GENERATED_SECRET;
import static dev.dynsecret.apic.Apic.LEASE_ID;
import static dev.dynsecret.apic.Apic.TOKEN;
import static dev.dynsecret.apic.Apic.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.dynsecret.testkit.TestClock;
import dev.dynsecret.DefinitiveProviderException;
import dev.dynsecret.spi.CreatedCredential;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import dev.dynsecret.spi.ProviderConnection;
import dev.dynsecret.spi.CredentialRef;

/** Pins the requests the provider sends and the answers the contract allows. */
class WireContractTest {
  @RegisterExtension
  static WireMockExtension wm = WireMockExtension.newInstance()
      .options(wireMockConfig().dynamicPort()).build();

  private final RecordingSleeper sleeper = new RecordingSleeper();
  private final ApiConnectProvider provider = ApiConnectProvider.builder()
      .clock(TestClock.at(Apic.T0)).sleeper(sleeper).build();
  private ProviderConnection handle;

  @BeforeEach
  void connect() {
    Apic.stubToken(wm);
    handle = provider.connect(Apic.config(wm).build());
  }

  @AfterEach
  void close() {
    handle.close();
  }

  @Test
  void tokenRequestIsTheApiKeyGrantAsJson() {
    Apic.stubCreate(wm);

    handle.create(Apic.lease());

    wm.verify(1, postRequestedFor(urlEqualTo("/api/token"))
        .withHeader("Content-Type", equalTo("application/json"))
        .withHeader("Accept", equalTo("application/json"))
        .withHeader("Authorization", absent())
        .withRequestBody(equalToJson("{\"grant_type\":\"api_key\",\"api_key\":\"" + API_KEY
            + "\",\"client_id\":\"" + CLIENT_ID + "\",\"client_secret\":\"" + CLIENT_SECRET
            + "\"}")));
  }

  @Test
  void createPostsNameTitleAndSummaryWithBearerToken() {
    Apic.stubCreate(wm);

    CreatedCredential created = handle.create(Apic.lease());

    wm.verify(1, postRequestedFor(urlEqualTo(CREDENTIALS))
        .withHeader("Authorization", equalTo("Bearer " + TOKEN))
        .withHeader("Accept", equalTo("application/json"))
        .withHeader("Content-Type", equalTo("application/json"))
        .withRequestBody(matchingJsonPath("$.name", equalTo(CREDENTIAL_NAME)))
        .withRequestBody(matchingJsonPath("$.title", equalTo("dynsecret lease " + LEASE_ID)))
        .withRequestBody(matchingJsonPath("$.summary", equalTo("Temporary credential created by"
            + " dynsecret for lease " + LEASE_ID + " of dynamic secret 'orders-api'; expires"
            + " 2030-01-01T01:00:00Z unless renewed, at the latest 2030-01-01T08:00:00Z. It is"
            + " deleted when the lease is revoked or expires.")))
        .withRequestBody(matchingJsonPath("$.client_secret", absent())));
    assertEquals("cred-id-1", created.externalId());
    assertEquals(GENERATED_ID, created.secretData().get(ApiConnectProvider.CLIENT_ID).reveal());
    assertEquals(GENERATED_SECRET,
        created.secretData().get(ApiConnectProvider.CLIENT_SECRET).reveal());
    assertEquals(Map.of(ApiConnectProvider.CREDENTIAL_NAME, CREDENTIAL_NAME), created.metadata());
  }

  @Test
  void credentialNameIsLowercaseDigitsAndDashesWithinSixtyFourCharacters() {
    wm.stubFor(post(urlEqualTo(CREDENTIALS)).willReturn(Apic.created(201)));

    handle.create(Apic.lease("Lease_ID.With/Odd Characters-and-a-very-long-tail-0123456789"));

    String name = wm.getAllServeEvents().stream()
        .filter(e -> e.getRequest().getUrl().equals(CREDENTIALS))
        .map(e -> e.getRequest().getBodyAsString()).findFirst().orElseThrow()
        .replaceAll(".*\"name\":\"([^\"]*)\".*", "$1");
    assertTrue(name.matches("dynsecret-[a-z0-9-]+") && name.length() <= 64, name);
  }

  @ParameterizedTest
  @ValueSource(ints = {200, 201, 202})
  void anySuccessStatusOnCreateIsAccepted(int status) {
    wm.stubFor(post(urlEqualTo(CREDENTIALS)).willReturn(Apic.created(status)));

    CreatedCredential created = handle.create(Apic.lease());

    assertEquals("cred-id-1", created.externalId());
  }

  @ParameterizedTest
  @ValueSource(ints = {200, 202, 204})
  void revokeDeletesByIdAndAcceptsAnySuccess(int status) {
    wm.stubFor(delete(urlEqualTo(CREDENTIALS + "/cred-id-1"))
        .willReturn(aResponse().withStatus(status)));

    handle.revoke(CredentialRef.of(Apic.activeLease("cred-id-1")));

    wm.verify(1, deleteRequestedFor(urlEqualTo(CREDENTIALS + "/cred-id-1"))
        .withHeader("Authorization", equalTo("Bearer " + TOKEN))
        .withHeader("Accept", equalTo("application/json")));
  }

  @Test
  void revokeOfACredentialAlreadyGoneSucceeds() {
    wm.stubFor(delete(urlEqualTo(CREDENTIALS + "/cred-id-1"))
        .willReturn(Apic.apicError(404, "Credential not found")));

    handle.revoke(CredentialRef.of(Apic.activeLease("cred-id-1")));

    wm.verify(1, deleteRequestedFor(urlEqualTo(CREDENTIALS + "/cred-id-1")));
  }

  @Test
  void revokeWithoutExternalIdDeletesByDeterministicName() {
    Apic.stubDeleteByName(wm, 200);

    handle.revoke(CredentialRef.of(Apic.lease()));

    wm.verify(1, deleteRequestedFor(urlEqualTo(CREDENTIALS + "/" + CREDENTIAL_NAME)));
  }

  @Test
  void revokeRefusedIsDefinitiveWithApicMessage() {
    wm.stubFor(delete(urlEqualTo(CREDENTIALS + "/cred-id-1"))
        .willReturn(Apic.apicError(403, "Insufficient permissions", "Ask an administrator")));

    DefinitiveProviderException e = assertThrows(DefinitiveProviderException.class,
        () -> handle.revoke(CredentialRef.of(Apic.activeLease("cred-id-1"))));

    assertEquals("DELETE " + CREDENTIALS + "/cred-id-1 answered 403 Forbidden: Insufficient"
        + " permissions; Ask an administrator", e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"409", "400"})
  void createOfAnExistingNameDeletesItAndCreatesAgain(String status) {
    String message = "Credential with name " + CREDENTIAL_NAME + " already exists";
    wm.stubFor(post(urlEqualTo(CREDENTIALS)).inScenario("dup")
        .whenScenarioStateIs("Started").willSetStateTo("deleted?")
        .willReturn(Apic.apicError(Integer.parseInt(status), message)));
    wm.stubFor(get(urlEqualTo(CREDENTIALS + "/" + CREDENTIAL_NAME)).inScenario("dup")
        .whenScenarioStateIs("deleted?").willReturn(okJson("{\"id\":\"leftover-id\"}")));
    wm.stubFor(delete(urlEqualTo(CREDENTIALS + "/leftover-id")).inScenario("dup")
        .whenScenarioStateIs("deleted?").willSetStateTo("deleted")
        .willReturn(aResponse().withStatus(204)));
    wm.stubFor(post(urlEqualTo(CREDENTIALS)).inScenario("dup")
        .whenScenarioStateIs("deleted").willReturn(Apic.created(201)));

    CreatedCredential created = handle.create(Apic.lease());

    assertEquals("cred-id-1", created.externalId());
    wm.verify(2, postRequestedFor(urlEqualTo(CREDENTIALS)));
    // By id: a delete that arrives late cannot remove the credential created after it.
    wm.verify(1, deleteRequestedFor(urlEqualTo(CREDENTIALS + "/leftover-id")));
    wm.verify(0, deleteRequestedFor(urlEqualTo(CREDENTIALS + "/" + CREDENTIAL_NAME)));
  }

  @Test
  void otherBadRequestOnCreateIsDefinitiveAndDeletesNothing() {
    wm.stubFor(post(urlEqualTo(CREDENTIALS))
        .willReturn(Apic.apicError(400, "Title is too long")));

    DefinitiveProviderException e = assertThrows(DefinitiveProviderException.class,
        () -> handle.create(Apic.lease()));

    assertEquals("POST " + CREDENTIALS + " answered 400 Bad Request: Title is too long",
        e.getMessage());
    wm.verify(0, deleteRequestedFor(urlPathEqualTo(CREDENTIALS + "/" + CREDENTIAL_NAME)));
  }

  @Test
  void createThatStillConflictsAfterDeletingIsDefinitive() {
    wm.stubFor(post(urlEqualTo(CREDENTIALS)).willReturn(Apic.apicError(409, "already exists")));
    wm.stubFor(get(urlEqualTo(CREDENTIALS + "/" + CREDENTIAL_NAME))
        .willReturn(okJson("{\"id\":\"leftover-id\"}")));
    wm.stubFor(delete(urlEqualTo(CREDENTIALS + "/leftover-id"))
        .willReturn(aResponse().withStatus(204)));

    DefinitiveProviderException e = assertThrows(DefinitiveProviderException.class,
        () -> handle.create(Apic.lease()));

    assertContains(e.getMessage(), "still answered 409 Conflict after credential '"
        + CREDENTIAL_NAME + "' was deleted");
    // Once more after the first delete (an earlier attempt may have landed late), then no more.
    wm.verify(3, postRequestedFor(urlEqualTo(CREDENTIALS)));
  }

  @Test
  void createOnAnUnknownApplicationIsDefinitive() {
    wm.stubFor(post(urlEqualTo(CREDENTIALS))
        .willReturn(Apic.apicError(404, "Application orders-app not found")));

    DefinitiveProviderException e = assertThrows(DefinitiveProviderException.class,
        () -> handle.create(Apic.lease()));

    assertContains(e.getMessage(), "404 Not Found: Application orders-app not found");
  }

  @Test
  void findGetsTheCredentialByName() {
    wm.stubFor(get(urlEqualTo(CREDENTIALS + "/" + CREDENTIAL_NAME))
        .willReturn(okJson("{\"id\":\"cred-id-9\",\"name\":\"" + CREDENTIAL_NAME + "\"}")));

    assertEquals(Optional.of("cred-id-9"), handle.lookup().orElseThrow().find(CredentialRef.of(Apic.lease())));
    wm.verify(getRequestedFor(urlEqualTo(CREDENTIALS + "/" + CREDENTIAL_NAME))
        .withHeader("Authorization", equalTo("Bearer " + TOKEN)));
  }

  @Test
  void findFallsBackToThePagedListWhenGetByNameFindsNothing() {
    wm.stubFor(get(urlEqualTo(CREDENTIALS + "/" + CREDENTIAL_NAME)).willReturn(notFound()));
    wm.stubFor(get(urlEqualTo(CREDENTIALS + "?limit=100&offset=0")).willReturn(okJson(
        "{\"total_results\":2,\"results\":[{\"id\":\"a\",\"name\":\"other\"},"
            + "{\"id\":\"cred-id-7\",\"name\":\"" + CREDENTIAL_NAME + "\"}]}")));

    assertEquals(Optional.of("cred-id-7"), handle.lookup().orElseThrow().find(CredentialRef.of(Apic.lease())));
  }

  @Test
  void findReturnsEmptyWhenNeitherGetNorListKnowsTheName() {
    wm.stubFor(get(urlEqualTo(CREDENTIALS + "/" + CREDENTIAL_NAME)).willReturn(notFound()));
    wm.stubFor(get(urlEqualTo(CREDENTIALS + "?limit=100&offset=0")).willReturn(okJson(
        "{\"total_results\":1,\"results\":[{\"id\":\"a\",\"name\":\"other\"}]}")));

    assertEquals(Optional.empty(), handle.lookup().orElseThrow().find(CredentialRef.of(Apic.lease())));
  }

  @Test
  void pathSegmentsArePercentEncoded() {
    ProviderConnection odd = provider.connect(Apic.config(wm)
        .put("org", "Acme Corp").put("catalog", "sand+box").put("consumerOrg", "dev team")
        .put("app", "Orders App/v2 é").build());
    String path = "/api/apps/Acme%20Corp/sand%2Bbox/dev%20team/Orders%20App%2Fv2%20%C3%A9"
        + "/credentials";
    wm.stubFor(post(urlEqualTo(path)).willReturn(Apic.created(201)));
    try {
      odd.create(Apic.lease());
    } finally {
      odd.close();
    }
    assertTrue(wm.getAllServeEvents().stream()
        .anyMatch(e -> e.getRequest().getUrl().equals(path)), "request sent to " + path);
  }

  @Test
  void handleToStringNamesTheTargetOnly() {
    assertEquals("ApicConnection[url=" + wm.baseUrl() + ", org=acme, catalog=sandbox,"
        + " app=orders-app, consumerOrg=acme-dev]", handle.toString());
  }
}
