package dev.dynsecret.apic.simulator;

import static dev.dynsecret.apic.simulator.SimClient.json;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import dev.dynsecret.Secret;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class SecretHygieneTest {
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private Logger logger;
  private Level previousLevel;

  @BeforeEach
  void captureLogs() {
    logger = (Logger) LoggerFactory.getLogger("dev.dynsecret.apic.simulator");
    previousLevel = logger.getLevel();
    logger.setLevel(Level.TRACE);
    appender.start();
    logger.addAppender(appender);
  }

  @AfterEach
  void release() {
    logger.detachAppender(appender);
    logger.setLevel(previousLevel);
  }

  @Test
  void noKeyTokenOrClientSecretReachesTheLogOrAnyToString() {
    List<String> secrets = new ArrayList<>();
    List<String> printed = new ArrayList<>();
    ApicSimulator.Builder builder = ApicSimulator.builder()
        .apiKeyPolicy(ApiKeyPolicy.singleUse())
        .toolkitClient("toolkit-client", Secret.of("toolkit-secret-value"));
    printed.add(builder.toString());
    try (ApicSimulator sim = builder.start()) {
      secrets.add(sim.apiKey().reveal());
      secrets.add(sim.clientSecret().reveal());
      SimClient client = new SimClient(sim).login();
      secrets.add(client.token());
      secrets.add(sim.addApiKey(ApiKeyPolicy.multiUse()).reveal());
      String path = sim.seed().credentialsPath();

      secrets.add(json(client.post(path, "{\"name\":\"plain\"}")).get("client_secret").asText());
      sim.faults().failNext(1, Fault.truncatedBody(), RequestKind.CREATE_CREDENTIAL);
      client.post(path, "{\"name\":\"truncated\",\"client_secret\":\"chosen-secret-1\"}");
      secrets.add("chosen-secret-1");
      sim.faults().failNext(1, Fault.dropConnection().afterProcessing());
      try {
        client.post(path, "{\"name\":\"dropped\",\"client_secret\":\"chosen-secret-2\"}");
      } catch (UncheckedIOException expected) {
        // the answer was dropped on purpose
      }
      secrets.add("chosen-secret-2");
      client.tokenCall(); // a rejected second exchange of the single-use key
      client.tokenCall("wrong-" + sim.apiKey().reveal(), sim.clientId(), "wrong-secret");
      client.post(path, "{\"name\":\"plain\",\"client_secret\":\"chosen-secret-3\"}"); // 409
      secrets.add("chosen-secret-3");

      printed.add(sim.toString());
      printed.add(sim.faults().toString());
      printed.add(sim.seed().toString());
      printed.add(sim.liveCredentials().toString());
      printed.add(sim.apiKey().toString());
    }

    List<String> logged = new ArrayList<>();
    for (ILoggingEvent event : appender.list) {
      logged.add(event.getFormattedMessage());
      for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
        logged.add(t.getMessage());
      }
    }
    assertTrue(logged.stream().anyMatch(line -> line.contains("POST /api/token")),
        "the request log was captured: " + logged);
    for (String secret : secrets) {
      for (String line : logged) {
        assertFalse(line != null && line.contains(secret), "secret in log: " + line);
      }
      for (String text : printed) {
        assertFalse(text.contains(secret), "secret in toString: " + text);
      }
    }
    assertTrue(secrets.stream().noneMatch(s -> s.isEmpty()));
  }

  @Test
  void liveCredentialsCarryNoSecret() {
    try (ApicSimulator sim = ApicSimulator.builder().start()) {
      JsonNode created = new SimClient(sim).login().create("a");

      String printed = sim.liveCredentials().toString();

      assertTrue(printed.contains(created.get("client_id").asText()));
      assertFalse(printed.contains(created.get("client_secret").asText()));
    }
  }
}
