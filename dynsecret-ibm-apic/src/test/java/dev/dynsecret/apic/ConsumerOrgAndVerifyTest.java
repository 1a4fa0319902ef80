package dev.dynsecret.apic;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.dynsecret.apic.Apic.APPS;
import static dev.dynsecret.apic.Apic.CREDENTIALS;
import static dev.dynsecret.apic.Apic.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.dynsecret.testkit.TestClock;
import dev.dynsecret.DefinitiveProviderException;
import dev.dynsecret.TransientProviderException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import dev.dynsecret.spi.ProviderConnection;

/** Resolving the consumer org from the paged application list, and verify's steps. */
class ConsumerOrgAndVerifyTest {
  @RegisterExtension
  static WireMockExtension wm = WireMockExtension.newInstance()
      .options(wireMockConfig().dynamicPort()).build();

  private final ApiConnectProvider provider = ApiConnectProvider.builder()
      .clock(TestClock.at(Apic.T0)).sleeper(new RecordingSleeper()).pageSize(2).build();
  private final List<ProviderConnection> handles = new ArrayList<>();

  @BeforeEach
  void token() {
    Apic.stubToken(wm);
  }

  @AfterEach
  void close() {
    handles.forEach(ProviderConnection::close);
  }

  private ProviderConnection connect(boolean withConsumerOrg) {
    var config = Apic.config(wm);
    if (!withConsumerOrg) {
      config.put("consumerOrg", (String) null);
    }
    ProviderConnection handle = provider.connect(config.build());
    handles.add(handle);
    return handle;
  }

  private static String app(String id, String name, String consumerOrg) {
    return "{\"type\":\"application\",\"id\":\"" + id + "\",\"name\":\"" + name + "\","
        + "\"consumer_org_url\":\"https://platform-api.example.com/api/consumer-orgs/acme/sandbox/"
        + consumerOrg + "\"}";
  }

  /** The apps list as pages of the given items, with the given total. */
  private static void stubAppPages(Object total, int pageSize, String... apps) {
    for (int offset = 0; offset < apps.length || offset == 0; offset += pageSize) {
      List<String> page = new ArrayList<>();
      for (int i = offset; i < Math.min(apps.length, offset + pageSize); i++) {
        page.add(apps[i]);
      }
      String totalMember = total == null ? "" : "\"total_results\":" + total + ",";
      wm.stubFor(get(urlEqualTo(APPS + "?limit=2&offset=" + offset)).willReturn(okJson(
          "{" + totalMember + "\"results\":[" + String.join(",", page) + "]}")));
    }
  }

  private static final String[] FIVE_APPS = {
      app("id-1", "billing", "team-a"), app("id-2", "search", "team-b"),
      app("id-3", "mobile", "team-c"), app("id-4", "web", "team-d"),
      app("id-5", "orders-app", "acme-dev")};

  @Test
  void consumerOrgIsResolvedFromTheLastPageOfTheAppListOnce() {
    stubAppPages(5, 2, FIVE_APPS);
    Apic.stubCreate(wm);
    ProviderConnection handle = connect(false);

    handle.create(Apic.lease("a"));
    handle.create(Apic.lease("b"));

    for (int offset : new int[] {0, 2, 4}) {
      wm.verify(1, getRequestedFor(urlEqualTo(APPS + "?limit=2&offset=" + offset)));
    }
    wm.verify(3, getRequestedFor(urlPathEqualTo(APPS)));
    wm.verify(2, postRequestedFor(urlEqualTo(CREDENTIALS)));
    assertContains(handle.toString(), "consumerOrg=acme-dev");
  }

  @Test
  void applicationIsMatchedByIdToo() {
    stubAppPages(5, 2, FIVE_APPS);
    Apic.stubCreate(wm);
    ProviderConnection handle = provider.connect(Apic.config(wm).put("consumerOrg", (String) null)
        .put("app", "id-5").build());
    handles.add(handle);
    wm.stubFor(post(urlEqualTo("/api/apps/acme/sandbox/acme-dev/id-5/credentials"))
        .willReturn(Apic.created(201)));

    handle.create(Apic.lease());

    wm.verify(1, postRequestedFor(urlEqualTo("/api/apps/acme/sandbox/acme-dev/id-5/credentials")));
  }

  @Test
  void pagingFollowsTheItemsReceivedWhenTheServerSendsFewerThanAsked() {
    // A server whose own page limit is 1: offsets advance by what arrived, not by what was asked.
    for (int i = 0; i < FIVE_APPS.length; i++) {
      wm.stubFor(get(urlEqualTo(APPS + "?limit=2&offset=" + i)).willReturn(okJson(
          "{\"total_results\":5,\"results\":[" + FIVE_APPS[i] + "]}")));
    }
    Apic.stubCreate(wm);

    connect(false).create(Apic.lease());

    wm.verify(5, getRequestedFor(urlPathEqualTo(APPS)));
    wm.verify(1, postRequestedFor(urlEqualTo(CREDENTIALS)));
  }

  @Test
  void listWithoutTotalEndsAtAShortPage() {
    stubAppPages(null, 2, FIVE_APPS);
    Apic.stubCreate(wm);

    connect(false).create(Apic.lease());

    wm.verify(3, getRequestedFor(urlPathEqualTo(APPS)));
  }

  @Test
  void unknownApplicationIsDefinitiveAfterReadingEveryPage() {
    stubAppPages(4, 2, FIVE_APPS[0], FIVE_APPS[1], FIVE_APPS[2], FIVE_APPS[3]);

    DefinitiveProviderException e = assertThrows(DefinitiveProviderException.class,
        () -> connect(false).create(Apic.lease()));

    assertEquals("application 'orders-app' was not found by name or id among the 4 applications"
        + " in catalog 'sandbox' of organization 'acme' (GET " + APPS + ")", e.getMessage());
    wm.verify(2, getRequestedFor(urlPathEqualTo(APPS)));
  }

  @Test
  void applicationNameUsedByTwoConsumerOrgsAsksForConsumerOrg() {
    stubAppPages(3, 2, FIVE_APPS[0], app("id-8", "orders-app", "team-x"),
        app("id-9", "orders-app", "team-y"));

    DefinitiveProviderException e = assertThrows(DefinitiveProviderException.class,
        () -> connect(false).create(Apic.lease()));

    assertContains(e.getMessage(), "several consumer organizations in catalog 'sandbox' of"
        + " organization 'acme' [team-x, team-y]; set consumerOrg");
  }

  @Test
  void configuredConsumerOrgSkipsTheLookup() {
    Apic.stubCreate(wm);

    connect(true).create(Apic.lease());

    wm.verify(0, getRequestedFor(urlPathEqualTo(APPS)));
  }

  // ------------------------------------------------------------- verify

  @Test
  void verifySucceedsWhenEveryStepDoes() {
    stubAppPages(5, 2, FIVE_APPS);
    wm.stubFor(get(urlEqualTo(APPS + "?limit=1&offset=0"))
        .willReturn(okJson("{\"total_results\":5,\"results\":[" + FIVE_APPS[0] + "]}")));
    wm.stubFor(get(urlEqualTo(CREDENTIALS + "?limit=1&offset=0"))
        .willReturn(okJson("{\"total_results\":0,\"results\":[]}")));

    connect(false).verify();

    wm.verify(1, postRequestedFor(urlEqualTo("/api/token")));
    wm.verify(1, getRequestedFor(urlEqualTo(CREDENTIALS + "?limit=1&offset=0")));
  }

  @Test
  void verifyNamesAuthenticationWhenTheKeyIsRejected() {
    wm.stubFor(post(urlEqualTo("/api/token")).willReturn(Apic.apicError(401, "Invalid key")));

    DefinitiveProviderException e = assertThrows(DefinitiveProviderException.class,
        () -> connect(true).verify());

    assertContains(e.getMessage(), "IBM API Connect verification failed at step"
        + " 'authentication': IBM API Connect rejected the API key exchange");
  }

  @Test
  void verifyNamesOrganizationOrCatalogWhenTheCatalogIsUnknown() {
    wm.stubFor(get(urlEqualTo(APPS + "?limit=1&offset=0"))
        .willReturn(Apic.apicError(404, "Catalog sandbox not found")));

    DefinitiveProviderException e = assertThrows(DefinitiveProviderException.class,
        () -> connect(true).verify());

    assertEquals("IBM API Connect verification failed at step 'organization/catalog':"
        + " organization 'acme' or catalog 'sandbox' does not exist or is not visible to this API"
        + " key: GET " + APPS + "?limit=1&offset=0 answered 404 Not Found: Catalog sandbox not"
        + " found", e.getMessage());
  }

  @Test
  void verifyNamesApplicationWhenItIsNotInTheCatalog() {
    wm.stubFor(get(urlEqualTo(APPS + "?limit=1&offset=0"))
        .willReturn(okJson("{\"total_results\":1,\"results\":[" + FIVE_APPS[0] + "]}")));
    stubAppPages(1, 2, FIVE_APPS[0]);

    DefinitiveProviderException e = assertThrows(DefinitiveProviderException.class,
        () -> connect(false).verify());

    assertContains(e.getMessage(), "verification failed at step 'application': application"
        + " 'orders-app' was not found");
  }

  @Test
  void verifyNamesApplicationWhenTheConfiguredPathIsUnknown() {
    wm.stubFor(get(urlEqualTo(APPS + "?limit=1&offset=0"))
        .willReturn(okJson("{\"total_results\":1,\"results\":[" + FIVE_APPS[0] + "]}")));
    wm.stubFor(get(urlEqualTo(CREDENTIALS + "?limit=1&offset=0"))
        .willReturn(Apic.apicError(404, "Application not found")));

    DefinitiveProviderException e = assertThrows(DefinitiveProviderException.class,
        () -> connect(true).verify());

    assertContains(e.getMessage(), "step 'application': application 'orders-app' of consumer"
        + " organization 'acme-dev' does not exist or its credentials are not visible");
  }

  @Test
  void verifyKeepsTransientFailuresTransient() {
    wm.stubFor(post(urlEqualTo("/api/token")).willReturn(Apic.apicError(503, "Maintenance")));

    TransientProviderException e = assertThrows(TransientProviderException.class,
        () -> connect(true).verify());

    assertContains(e.getMessage(), "step 'authentication': POST /api/token answered 503"
        + " Service Unavailable: Maintenance");
  }
}
