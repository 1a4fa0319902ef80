package dev.dynsecret.buildsupport;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.dynsecret.Secret;
import dev.dynsecret.testkit.IssuedSecrets;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The wiring the log search depends on: a value a test kit tool announces through {@link
 * IssuedSecrets} ends up in the file {@link SecretsUsed} writes, with no code in the module that
 * uses the tool, only this module on its test class path.
 */
class RecordIssuedSecretsTest {
  // This module's tests record secrets, so the log search requires them to write a log too.
  private static final Logger LOG = LoggerFactory.getLogger(RecordIssuedSecretsTest.class);

  @Test
  void thisModuleOnTheTestClassPathIsFoundAsAnObserver() {
    assertTrue(IssuedSecrets.observed(), "no IssuedSecrets.Observer found by ServiceLoader");
  }

  @Test
  void valuesAnnouncedThroughTheTestKitAreRecordedForTheLogSearch() {
    String dir = System.getProperty(SecretsUsed.DIRECTORY_PROPERTY);
    assumeTrue(dir != null, SecretsUsed.DIRECTORY_PROPERTY + " is not set: run through Maven");
    String plain = "issued-plain-" + UUID.randomUUID();
    String wrapped = "issued-secret-" + UUID.randomUUID();

    IssuedSecrets.issued(plain);
    IssuedSecrets.issued(Secret.of(wrapped));

    var recorded = SecretsUsed.readAll(Path.of(dir));
    LOG.info("{} values recorded under {}", recorded.size(), dir);
    assertTrue(recorded.contains(plain), "the plain value was recorded");
    assertTrue(recorded.contains(wrapped), "the Secret's value was recorded");
  }
}
