package dev.dynsecret.spring.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dynsecret.LeaseManager;
import dev.dynsecret.LeaseState;
import dev.dynsecret.buildsupport.Browser;
import dev.dynsecret.buildsupport.SecretsUsed;
import dev.dynsecret.testkit.RecordingProvider;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/**
 * The console mounted into a Spring Boot application behind the application's own Spring
 * Security (form login and HTTP basic, CSRF on): over real HTTP, and once in headless Chromium.
 */
@SpringBootTest(classes = ConsoleHttpTest.App.class, webEnvironment = WebEnvironment.RANDOM_PORT,
    properties = {
        "dynsecret.console.enabled=true",
        "dynsecret.console.path=/ops/dynsecret",
        "dynsecret.secrets.orders-api.provider=recording",
        "dynsecret.secrets.orders-api.default-ttl=10m",
        "dynsecret.secrets.orders-api.max-ttl=1h"})
class ConsoleHttpTest {
  static final String PASSWORD = SecretsUsed.declare("pw-SECRET-console-operator-3141");
  private static final ObjectMapper JSON = new ObjectMapper();

  @SpringBootConfiguration
  @EnableAutoConfiguration
  @EnableWebSecurity
  static class App {
    @Bean
    RecordingProvider recordingProvider() {
      return new RecordingProvider();
    }

    @Bean
    InMemoryUserDetailsManager users() {
      return new InMemoryUserDetailsManager(User.withUsername("operator")
          .password("{noop}" + PASSWORD).roles("OPS").build());
    }

    @Bean
    SecurityFilterChain security(HttpSecurity http) throws Exception {
      return http.authorizeHttpRequests(a -> a.anyRequest().authenticated())
          .formLogin(Customizer.withDefaults())
          .httpBasic(Customizer.withDefaults())
          .build();
    }
  }

  @LocalServerPort
  int port;

  @Autowired
  LeaseManager manager;

  private final HttpClient http = HttpClient.newHttpClient();
  private String cookie;

  private String url(String path) {
    return "http://127.0.0.1:" + port + "/ops/dynsecret/" + path;
  }

  private HttpResponse<String> send(HttpRequest.Builder request, boolean basic) throws Exception {
    if (basic) {
      request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
          ("operator:" + PASSWORD).getBytes(StandardCharsets.UTF_8)));
    }
    if (cookie != null) {
      request.header("Cookie", cookie);
    }
    HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    response.headers().firstValue("Set-Cookie").ifPresent(c -> cookie = c.substring(0, c.indexOf(';')));
    return response;
  }

  private HttpResponse<String> post(String path, String body, String csrfHeader, String csrf)
      throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url(path)))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (csrf != null) {
      request.header(csrfHeader, csrf);
    }
    return send(request, true);
  }

  private long active() {
    return manager.countLeases("orders-api", EnumSet.of(LeaseState.ACTIVE));
  }

  @Test
  void theApplicationsSecurityGuardsTheConsoleAndItsCsrfTokenGuardsWrites() throws Exception {
    HttpResponse<String> anonymous = send(HttpRequest.newBuilder(URI.create(url("api/secrets"))),
        false);
    assertEquals(401, anonymous.statusCode() == 302 ? 401 : anonymous.statusCode());
    assertFalse(anonymous.body().contains("orders-api"));

    HttpResponse<String> page = send(HttpRequest.newBuilder(URI.create(url(""))), true);
    assertEquals(200, page.statusCode());
    assertTrue(page.headers().firstValue("Content-Security-Policy").orElseThrow()
        .contains("frame-ancestors 'none'"));
    assertEquals("no-store", page.headers().firstValue("Cache-Control").orElseThrow());

    JsonNode session = JSON.readTree(send(HttpRequest.newBuilder(URI.create(url("api/session"))),
        true).body());
    assertEquals("operator", session.get("user").asText());
    assertTrue(session.get("canWrite").asBoolean());
    String header = session.get("csrf").get("header").asText();
    String token = session.get("csrf").get("token").asText();
    SecretsUsed.record(token);

    long before = active();
    HttpResponse<String> noCsrf = post("api/secrets/orders-api/leases", "{}", header, null);
    assertEquals(403, noCsrf.statusCode());
    HttpResponse<String> forged = post("api/secrets/orders-api/leases", "{}", header,
        "forged-token-forged-token");
    assertEquals(403, forged.statusCode());
    assertEquals(before, active());

    HttpResponse<String> bad = post("api/secrets/orders-api/leases", "{\"ttl\":\"2h\"}", header,
        token);
    assertEquals(400, bad.statusCode());
    assertEquals("ttl", JSON.readTree(bad.body()).get("field").asText());

    HttpResponse<String> created = post("api/secrets/orders-api/leases", "{\"ttl\":\"5m\"}",
        header, token);
    assertEquals(201, created.statusCode(), created.body());
    JsonNode body = JSON.readTree(created.body());
    String id = body.get("lease").get("id").asText();
    assertEquals(Duration.ofMinutes(5), Duration.between(manager.get(id).createdAt(),
        manager.get(id).expiresAt()));
    assertTrue(body.get("secretData").size() > 0);
    assertEquals(200, post("api/leases/" + id + "/revoke", "{}", header, token).statusCode());
    assertEquals(LeaseState.REVOKED, manager.get(id).state());
  }

  @Test
  void anOperatorSignsInWithTheApplicationsFormAndCreatesALeaseInTheBrowser() {
    try (Browser browser = Browser.start()) {
      browser.driver.get(url(""));
      var wait = browser.waiting(Duration.ofSeconds(20));
      // Spring Security's own sign-in form, then back to the console.
      wait.until(ExpectedConditions.visibilityOfElementLocated(By.name("username")))
          .sendKeys("operator");
      browser.driver.findElement(By.name("password")).sendKeys(PASSWORD);
      browser.driver.findElement(By.cssSelector("button[type=submit]")).click();
      wait.until(ExpectedConditions.visibilityOfElementLocated(
          By.cssSelector("#secrets tr[data-secret='orders-api']")));
      wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("who"), "operator"));
      browser.driver.findElement(By.linkText("orders-api")).click();
      wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("new-lease"))).click();
      wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("credential-dialog")));
      String id = browser.driver.findElement(By.id("credential-lease")).getText();
      browser.driver.findElements(By.cssSelector("#credential-fields input"))
          .forEach(input -> SecretsUsed.record(input.getDomProperty("value")));
      assertEquals(LeaseState.ACTIVE, manager.get(id).state());
      browser.driver.findElement(By.id("credential-close")).click();
      manager.revoke(id);
    }
  }
}
