package dev.dynsecret.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.openqa.selenium.support.ui.ExpectedConditions.attributeToBe;
import static org.openqa.selenium.support.ui.ExpectedConditions.elementToBeClickable;
import static org.openqa.selenium.support.ui.ExpectedConditions.invisibilityOfElementLocated;
import static org.openqa.selenium.support.ui.ExpectedConditions.numberOfElementsToBe;
import static org.openqa.selenium.support.ui.ExpectedConditions.presenceOfElementLocated;
import static org.openqa.selenium.support.ui.ExpectedConditions.textToBePresentInElementLocated;
import static org.openqa.selenium.support.ui.ExpectedConditions.visibilityOfElementLocated;

import dev.dynsecret.Lease;
import dev.dynsecret.LeaseState;
import dev.dynsecret.Secret;
import dev.dynsecret.apic.simulator.Fault;
import dev.dynsecret.apic.simulator.RequestKind;
import dev.dynsecret.buildsupport.Browser;
import dev.dynsecret.buildsupport.SecretsUsed;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The standalone console in headless Chromium, as an operator uses it: sign in with the token,
 * see the secrets, create a lease and see its credential once, watch a 3-second lease run out and
 * leave the active list, renew, revoke, force-revoke, reconcile and sweep. Waits are Selenium's
 * explicit waits on what the page shows, never fixed sleeps. Also takes the docs' screenshots.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static ConsoleFixture fixture;
  private static Browser browser;

  @BeforeAll
  static void start() {
    browser = Browser.start();
    fixture = new ConsoleFixture(false);
    browser.driver.get(fixture.url());
    WebDriverWait wait = browser.waiting(WAIT);
    wait.until(visibilityOfElementLocated(By.id("token"))).sendKeys(fixture.token.reveal());
    browser.driver.findElement(By.id("login-button")).click();
    wait.until(visibilityOfElementLocated(By.id("secrets-view")));
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.close();
    }
    if (fixture != null) {
      fixture.close();
    }
  }

  @BeforeEach
  void home() {
    browser.driver.get(fixture.url() + "#/");
    wait(visibilityOfElementLocated(By.cssSelector("#secrets tr[data-secret='orders-api']")));
  }

  private static <T> T wait(org.openqa.selenium.support.ui.ExpectedCondition<T> condition) {
    return browser.waiting(WAIT).until(condition);
  }

  private static void openLeases(String secret) {
    browser.driver.findElement(By.linkText(secret)).click();
    wait(textToBePresentInElementLocated(By.id("leases-secret"), secret));
  }

  /**
   * A lease's row. Wait for it to be gone with {@code numberOfElementsToBe(row, 0)}, not {@code
   * invisibilityOfElementLocated}: the page re-renders the table every refresh, and Selenium takes
   * a row gone stale in between for one that disappeared.
   */
  private static By row(String leaseId) {
    return By.cssSelector("#leases tr[data-lease-id='" + leaseId + "']");
  }

  /** Creates a lease in the page; returns the lease id from the credential dialog, closed. */
  private static String createInPage(String ttl) {
    WebElement field = browser.driver.findElement(By.id("new-ttl"));
    field.clear();
    field.sendKeys(ttl);
    browser.driver.findElement(By.id("new-lease")).click();
    wait(visibilityOfElementLocated(By.id("credential-dialog")));
    String id = browser.driver.findElement(By.id("credential-lease")).getText();
    SecretsUsed.record(browser.driver.findElement(By.id("credential-CLIENT_SECRET"))
        .getDomProperty("value"));
    browser.driver.findElement(By.id("credential-close")).click();
    wait(invisibilityOfElementLocated(By.id("credential-dialog")));
    wait(presenceOfElementLocated(row(id)));
    return id;
  }

  @Test
  @Order(1)
  void theSecretsListShowsEachSecretWithLeaseCounts() {
    fixture.manager.create(ConsoleFixture.OTHER);
    fixture.manager.create(ConsoleFixture.OTHER);
    browser.driver.navigate().refresh();
    wait(textToBePresentInElementLocated(
        By.cssSelector("#secrets tr[data-secret='billing-api'] td:nth-child(7)"), "2"));
    WebElement orders = browser.driver.findElement(
        By.cssSelector("#secrets tr[data-secret='orders-api']"));
    assertTrue(orders.getText().contains("ibm-api-connect"), orders.getText());
    assertTrue(orders.getText().contains("1h") && orders.getText().contains("8h"), orders.getText());
    browser.screenshot("secrets");
  }

  @Test
  @Order(2)
  void aNewLeasesCredentialIsShownOnceAndWorks() throws Exception {
    openLeases(ConsoleFixture.SECRET);
    WebElement ttl = browser.driver.findElement(By.id("new-ttl"));
    ttl.sendKeys("45m");
    browser.driver.findElement(By.id("new-lease")).click();
    wait(visibilityOfElementLocated(By.id("credential-dialog")));
    String clientId = browser.driver.findElement(By.id("credential-CLIENT_ID"))
        .getDomProperty("value");
    String clientSecret = browser.driver.findElement(By.id("credential-CLIENT_SECRET"))
        .getDomProperty("value");
    SecretsUsed.record(clientSecret);
    String leaseId = browser.driver.findElement(By.id("credential-lease")).getText();
    assertTrue(browser.driver.findElement(By.id("credential-warning")).getText()
        .contains("only time the secret is shown"));
    browser.screenshot("credential");

    // The credential works: the simulated API gateway lets it through.
    HttpResponse<String> call = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(fixture.apic.gatewayUrl() + "/hello"))
            .header("X-IBM-Client-Id", clientId).header("X-IBM-Client-Secret", clientSecret)
            .build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, call.statusCode());
    assertTrue(fixture.apic.isValidAppCredential(clientId, Secret.of(clientSecret)));

    browser.driver.findElement(By.cssSelector("#credential-fields .copy")).click();
    wait(textToBePresentInElementLocated(By.cssSelector("#credential-fields .copy"), "Copied"));

    // Reloading discards it; nothing in the page, the URL or storage holds it any more.
    browser.driver.navigate().refresh();
    wait(presenceOfElementLocated(row(leaseId)));
    assertFalse(browser.driver.findElement(By.id("credential-dialog")).isDisplayed());
    assertFalse(browser.driver.getPageSource().contains(clientSecret));
    assertFalse(browser.driver.getCurrentUrl().contains(clientSecret));
    Object stored = browser.driver.executeScript(
        "return JSON.stringify(localStorage) + JSON.stringify(sessionStorage) + document.cookie");
    assertFalse(String.valueOf(stored).contains(clientSecret));
    fixture.manager.revoke(leaseId);
  }

  @Test
  @Order(3)
  void aThreeSecondLeaseCountsDownAndLeavesTheActiveList() {
    openLeases(ConsoleFixture.SECRET);
    String longer = createInPage("2h");
    String shorter = createInPage("20m");
    String id = createInPage("3s");
    assertEquals(LeaseState.ACTIVE, fixture.manager.get(id).state());
    WebElement countdown = browser.driver.findElement(
        By.cssSelector("#leases tr[data-lease-id='" + id + "'] .countdown"));
    String shown = countdown.getText();
    assertTrue(shown.matches("[0-3]s|expired"), shown);
    browser.screenshot("leases");
    // The engine (poll interval 200 ms) revokes it once it runs out; the page's refresh drops it.
    wait(numberOfElementsToBe(row(id), 0));
    Lease lease = fixture.manager.get(id);
    assertEquals(LeaseState.REVOKED, lease.state());
    assertTrue(browser.driver.findElements(row(longer)).size() == 1
        && browser.driver.findElements(row(shorter)).size() == 1);

    // With revoked leases shown, it is back, as revoked.
    browser.driver.findElement(By.id("show-revoked")).click();
    wait(attributeToBe(row(id), "data-state", "REVOKED"));
    browser.driver.findElement(By.id("show-revoked")).click();
    fixture.manager.revoke(longer);
    fixture.manager.revoke(shorter);
  }

  @Test
  @Order(4)
  void renewTakesATtlAndExplainsABadOne() {
    String id = fixture.manager.create(ConsoleFixture.SECRET).lease().id();
    openLeases(ConsoleFixture.SECRET);
    wait(elementToBeClickable(By.cssSelector("#leases tr[data-lease-id='" + id + "'] .renew")))
        .click();
    WebElement ttl = wait(visibilityOfElementLocated(By.id("renew-ttl")));
    ttl.sendKeys("ten minutes");
    browser.driver.findElement(By.id("renew-confirm")).click();
    wait(textToBePresentInElementLocated(By.id("renew-error"), "ttl: must be a duration"));
    ttl.clear();
    ttl.sendKeys("3h");
    Instant before = Instant.now();
    browser.driver.findElement(By.id("renew-confirm")).click();
    wait(invisibilityOfElementLocated(By.id("renew-dialog")));
    wait(textToBePresentInElementLocated(By.id("toast"), "Renewed " + id));
    Lease renewed = fixture.manager.get(id);
    assertNotNull(renewed.renewedAt());
    assertFalse(renewed.expiresAt().isBefore(before.plus(Duration.ofHours(3))));
    fixture.manager.revoke(id);
  }

  @Test
  @Order(5)
  void revokeDeletesTheCredential() {
    var created = fixture.manager.create(ConsoleFixture.SECRET);
    SecretsUsed.record(created.secretData().get("CLIENT_SECRET"));
    String id = created.lease().id();
    openLeases(ConsoleFixture.SECRET);
    wait(elementToBeClickable(By.cssSelector("#leases tr[data-lease-id='" + id + "'] .revoke")))
        .click();
    wait(visibilityOfElementLocated(By.id("confirm-ok"))).click();
    wait(numberOfElementsToBe(row(id), 0));
    assertEquals(LeaseState.REVOKED, fixture.manager.get(id).state());
    assertFalse(fixture.apic.isValidAppCredential(created.secretData().get("CLIENT_ID").reveal(),
        created.secretData().get("CLIENT_SECRET")));
  }

  @Test
  @Order(6)
  void aFailedRevocationIsForceRevokedAndItsOrphanSweptAfterADryRun() {
    var created = fixture.manager.create(ConsoleFixture.SECRET);
    SecretsUsed.record(created.secretData().get("CLIENT_SECRET"));
    String id = created.lease().id();
    openLeases(ConsoleFixture.SECRET);
    // The provider refuses every delete: revoking fails for good, forcing leaves the credential.
    fixture.apic.faults().failNext(50, Fault.status(403, Fault.BodyKind.JSON),
        RequestKind.DELETE_CREDENTIAL);
    try {
      wait(elementToBeClickable(By.cssSelector("#leases tr[data-lease-id='" + id + "'] .revoke")))
          .click();
      wait(visibilityOfElementLocated(By.id("confirm-ok"))).click();
      wait(textToBePresentInElementLocated(By.id("confirm-error"), "the provider failed"));
      browser.driver.findElement(By.id("confirm-cancel")).click();
      wait(attributeToBe(row(id), "data-state", "REVOCATION_FAILED"));
      assertTrue(browser.driver.findElement(row(id)).getText().contains("403"));
      wait(elementToBeClickable(By.cssSelector(
          "#leases tr[data-lease-id='" + id + "'] .force-revoke"))).click();
      wait(textToBePresentInElementLocated(By.id("confirm-text"), "even though the provider"));
      browser.driver.findElement(By.id("confirm-ok")).click();
      wait(numberOfElementsToBe(row(id), 0));
      assertEquals(LeaseState.REVOKED, fixture.manager.get(id).state());
    } finally {
      fixture.apic.faults().clear();
    }
    String clientId = created.secretData().get("CLIENT_ID").reveal();
    assertTrue(fixture.apic.isValidAppCredential(clientId, created.secretData().get("CLIENT_SECRET")),
        "the forced lease's credential is still there: an orphan");

    browser.driver.findElement(By.id("nav-maintenance")).click();
    wait(elementToBeClickable(By.id("reconcile"))).click();
    wait(textToBePresentInElementLocated(By.id("reconcile-result"), "Pending leases examined"));

    browser.driver.findElement(By.id("sweep-dry-run")).click();
    wait(textToBePresentInElementLocated(By.id("sweep-progress"), "Dry run done: 1 orphan"));
    assertTrue(browser.driver.findElement(By.id("sweep-orphans")).getText()
        .contains("dynsecret-" + id));
    assertTrue(fixture.apic.isValidAppCredential(clientId, created.secretData().get("CLIENT_SECRET")),
        "a dry run deletes nothing");
    browser.screenshot("sweep");

    wait(elementToBeClickable(By.id("sweep-apply"))).click();
    wait(textToBePresentInElementLocated(By.id("sweep-progress"), "Sweep done"));
    List<WebElement> deleted = browser.driver.findElements(
        By.cssSelector("#sweep-results tr[data-secret='orders-api'] .deleted"));
    assertEquals("1", deleted.get(0).getText());
    assertFalse(fixture.apic.isValidAppCredential(clientId,
        created.secretData().get("CLIENT_SECRET")));
    assertFalse(browser.driver.findElement(By.id("sweep-apply")).isEnabled());
  }

  @Test
  @Order(7)
  void signingOutEndsTheSession() {
    browser.driver.findElement(By.id("logout")).click();
    wait(visibilityOfElementLocated(By.id("login-view")));
    Object status = browser.driver.executeAsyncScript(
        "const done = arguments[arguments.length - 1];"
            + "fetch('api/secrets').then(r => done(r.status));");
    assertEquals(401L, status);
    browser.driver.findElement(By.id("token")).sendKeys("wrong-token-wrong-token");
    browser.driver.findElement(By.id("login-button")).click();
    wait(textToBePresentInElementLocated(By.id("login-error"), "Wrong token"));
  }
}
