package dev.dynsecret.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * No secret value any test used appears in any log any module's tests wrote. Runs after every
 * other test of the build (this module is last in the reactor, and this test runs in the
 * integration-test phase, after this module's own tests), over the whole reactor's output.
 *
 * <p>It cannot pass vacuously: it fails when there are no logs or no secret values to search.
 * Built alone ({@code -pl}, no module has test output), it is skipped and says why.
 */
class TestLogsHoldNoSecretsTest {

  @Test
  void noSecretValueReachesAnyTestLog() {
    String rootProperty = System.getProperty("dynsecret.reactorRoot");
    Assumptions.assumeTrue(rootProperty != null,
        "dynsecret.reactorRoot is not set: run through Maven (mvn verify)");
    Path root = Path.of(rootProperty).toAbsolutePath().normalize();
    List<Path> modules = LogSearch.modules(root);
    Path self = Path.of("").toAbsolutePath().normalize();
    List<Path> siblings = modules.stream().filter(m -> !m.toAbsolutePath().normalize().equals(self))
        .toList();
    Assumptions.assumeTrue(LogSearch.anyTestOutput(siblings),
        "no other module of " + root + " has test output (built alone?): run the whole reactor,"
            + " e.g. mvn verify, for the search to mean anything");

    // The secrets RecordingProvider and the simulator issue are recorded only where the build's
    // recorder is on the test class path; a module without it would go unsearched for them.
    assertEquals(List.of(), LogSearch.modulesNotRecordingIssuedSecrets(modules),
        "modules whose tests use " + LogSearch.ISSUING_MODULES + " without "
            + LogSearch.RECORDING_MODULE + " in test scope: the secrets those tools issue there"
            + " are not recorded, so the search cannot look for them");

    LogSearch.Result result = LogSearch.search(modules);
    System.out.println("Test log search: " + result.summary());

    assertTrue(!result.logFiles().isEmpty() && result.lines() > 0,
        "no test log lines found under " + root + "/*/target/test-logs: the logging configuration"
            + " of the modules is broken, so the search proves nothing. " + result.summary());
    assertTrue(result.secretsSearched() > 0,
        "no secret values recorded under " + root + "/*/target/test-secrets nor declared with "
            + LogSearch.MARKER + " in test sources: the recording is broken, so the search proves"
            + " nothing. " + result.summary());
    // A module whose tests handled secrets but whose logging wrote no file was not searched.
    for (var entry : result.secretsPerModule().entrySet()) {
      boolean hasLogFile = result.logFiles().stream().anyMatch(f -> f.startsWith(
          root.resolve(entry.getKey()).resolve("target")) && f.toString().contains("test-logs"));
      assertTrue(entry.getValue() == 0 || hasLogFile, entry.getKey() + " recorded "
          + entry.getValue() + " secret values but its tests wrote no log under target/test-logs:"
          + " its test logging configuration does not write the file this search reads");
    }
    if (!result.findings().isEmpty()) {
      fail(result.findings().size() + " secret values found in test logs (values shown by"
          + " fingerprint only):\n" + result.findings().stream().map(Object::toString)
              .collect(Collectors.joining("\n")) + "\n" + result.summary());
    }
  }
}
