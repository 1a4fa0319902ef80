package dev.dynsecret.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynsecret.spring.boot.internal.InvalidDynsecretPropertyFailureAnalyzer;
import dev.dynsecret.testkit.RecordingProvider;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * A bad value of any property fails start-up with a message that names the property and the
 * rule, and never holds a provider configuration value.
 */
class BadPropertiesTest {
  private static final String SECRET = "dynsecret.secrets.orders-api.";

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(DynsecretAutoConfiguration.class))
      .withBean(RecordingProvider.class, RecordingProvider::new)
      .withPropertyValues(SECRET + "provider=recording", SECRET + "default-ttl=10m");

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      dynsecret.poll-interval=0s                   | dynsecret.poll-interval                    | must be a positive duration
      dynsecret.max-in-flight=0                    | dynsecret.max-in-flight                    | must be 1 to 1024; was 0
      dynsecret.claim-batch-size=10001             | dynsecret.claim-batch-size                 | must be 1 to 10000
      dynsecret.claim-timeout=-5s                  | dynsecret.claim-timeout                    | must be a positive duration
      dynsecret.pending-grace-period=0s            | dynsecret.pending-grace-period             | must be a positive duration
      dynsecret.history-retention=0d               | dynsecret.history-retention                | must be a positive duration
      dynsecret.orphan-sweep-interval=0s           | dynsecret.orphan-sweep-interval            | must be a positive duration
      dynsecret.close-timeout=0s                   | dynsecret.close-timeout                    | must be a positive duration
      dynsecret.node-id=nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn | dynsecret.node-id | must be 1 to 128 characters
      dynsecret.retry.max-attempts=0               | dynsecret.retry.max-attempts               | must be at least 1
      dynsecret.retry.initial-delay=0s             | dynsecret.retry.initial-delay              | must be positive
      dynsecret.retry.max-delay=1ms                | dynsecret.retry.max-delay                  | must be at least initialDelay
      dynsecret.retry.multiplier=0.5               | dynsecret.retry.multiplier                 | must be at least 1
      dynsecret.retry.jitter=1.5                   | dynsecret.retry.jitter                     | must be between 0 and 1
      dynsecret.secrets.orders-api.default-ttl=-1m | dynsecret.secrets.orders-api.default-ttl   | must be positive
      dynsecret.secrets.orders-api.max-ttl=1m      | dynsecret.secrets.orders-api.default-ttl   | must not exceed maxTtl
      dynsecret.secrets.orders-api.lease-limit=0   | dynsecret.secrets.orders-api.lease-limit   | must be positive; was 0
      dynsecret.secrets.orders-api.provider=nope   | dynsecret.secrets.orders-api.provider      | no provider of type 'nope'
      dynsecret.secrets.orders-api.provider=       | dynsecret.secrets.orders-api.provider      | is required
      dynsecret.secrets.orders-api.default-ttl=    | dynsecret.secrets.orders-api.default-ttl   | is required
      dynsecret.secrets[bad name].provider=recording | dynsecret.secrets[bad name]              | must be 1 to 64 letters
      dynsecret.store.type=jdbc                    | dynsecret.store.type                       | jdbc needs a DataSource bean
      """)
  void aRefusedValueFailsStartUpNamingTheProperty(String setting, String property, String rule) {
    runner.withPropertyValues(setting).run(context -> {
      InvalidDynsecretPropertyException failure = PropertyFailures.of(context);
      assertEquals(property, failure.property());
      assertThat(failure.getMessage()).startsWith("Invalid property '" + property + "': ")
          .contains(rule);
    });
  }

  @Test
  void aProviderRefusingItsConfigurationNamesTheConfigurationKeyAndNotTheValues() {
    // The real IBM API Connect provider (found by ServiceLoader) checks its configuration.
    String apiKey = "ak-SECRET-spring-config-3141";
    dev.dynsecret.buildsupport.SecretsUsed.record(apiKey);
    runner.withPropertyValues(SECRET + "provider=ibm-api-connect", SECRET + "config.apiKey=" + apiKey,
            SECRET + "config.url=ftp://example.com")
        .run(context -> {
          InvalidDynsecretPropertyException failure = PropertyFailures.of(context);
          assertThat(failure.property()).startsWith(SECRET + "config.");
          for (Throwable t = context.getStartupFailure(); t != null; t = t.getCause()) {
            assertThat(String.valueOf(t.getMessage())).doesNotContain(apiKey);
          }
        });
  }

  @Test
  void tablePrefixIsCheckedWithTheJdbcStore() {
    runner.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class))
        .withPropertyValues("spring.datasource.url=jdbc:h2:mem:prefix;DB_CLOSE_DELAY=-1",
            "dynsecret.store.type=jdbc", "dynsecret.store.table-prefix=Bad-Prefix")
        .run(context -> {
          InvalidDynsecretPropertyException failure = PropertyFailures.of(context);
          assertEquals("dynsecret.store.table-prefix", failure.property());
          assertThat(failure.rule()).contains("must match");
        });
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      dynsecret.poll-interval=soon                 | dynsecret.poll-interval
      dynsecret.max-in-flight=many                 | dynsecret.max-in-flight
      dynsecret.store.type=cassandra               | dynsecret.store.type
      dynsecret.secrets.orders-api.lease-limit=ten | dynsecret.secrets.orders-api.lease-limit
      """)
  void aValueThatDoesNotParseFailsStartUpNamingTheProperty(String setting, String property) {
    runner.withPropertyValues(setting).run(context -> {
      List<String> messages = new ArrayList<>();
      for (Throwable t = context.getStartupFailure(); t != null; t = t.getCause()) {
        messages.add(String.valueOf(t.getMessage()));
      }
      assertTrue(messages.stream().anyMatch(m -> m.contains(property)),
          "no message names " + property + ": " + messages);
    });
  }

  @Test
  void theFailureAnalysisSaysWhichPropertyToChange() {
    runner.withPropertyValues("dynsecret.max-in-flight=0").run(context -> {
      FailureAnalysis analysis =
          new InvalidDynsecretPropertyFailureAnalyzer().analyze(context.getStartupFailure());
      assertNotNull(analysis);
      assertEquals("Invalid value for property 'dynsecret.max-in-flight': must be 1 to 1024; was 0",
          analysis.getDescription());
      assertThat(analysis.getAction()).contains("'dynsecret.max-in-flight'");
    });
  }
}
