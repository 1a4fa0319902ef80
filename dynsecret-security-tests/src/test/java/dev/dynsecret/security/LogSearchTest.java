package dev.dynsecret.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The search behind {@link TestLogsHoldNoSecretsTest}, on a made-up reactor. */
class LogSearchTest {
  private static final String RECORDED = "recorded-token-Zx81Qp0";
  private static final String DECLARED = "ak-" + "SECRET" + "-fixed-key-77";

  @TempDir Path root;

  private Path module(String name) throws Exception {
    Path module = Files.createDirectories(root.resolve(name));
    Files.writeString(module.resolve("pom.xml"), "<project/>");
    return module;
  }

  private static void write(Path file, String text) throws Exception {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }

  private static String recorded(String... values) {
    StringBuilder out = new StringBuilder();
    for (String v : values) {
      out.append(Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))).append('\n');
    }
    return out.toString();
  }

  private void reactor(String apiLog, String storeOutput) throws Exception {
    Path api = module("api");
    write(api.resolve("target/test-secrets/123.txt"), recorded(RECORDED, "short"));
    write(api.resolve("src/test/java/x/Keys.java"),
        "class Keys { static final String K = \"" + DECLARED + "\"; }\n");
    write(api.resolve("target/test-logs/tests.log"), apiLog);
    Path store = module("store");
    write(store.resolve("target/surefire-reports/x.StoreTest-output.txt"), storeOutput);
    Files.createDirectories(root.resolve("not-a-module/target/test-logs"));
  }

  @Test
  void findsRecordedAndDeclaredValuesByFileAndLineWithoutShowingThem() throws Exception {
    reactor("line one\nINFO token was " + RECORDED + " oops\n",
        "a\nb\nkey=" + DECLARED + "\n");

    LogSearch.Result result = LogSearch.search(LogSearch.modules(root));

    assertEquals(List.of("api", "store"), result.modules());
    assertEquals(2, result.logFiles().size());
    assertEquals(2, result.secretsSearched());
    assertEquals(1, result.secretsTooShort(), "'short' is counted, not searched");
    assertEquals(2, result.findings().size());
    LogSearch.Finding first = result.findings().get(0);
    assertTrue(first.file().endsWith("api/target/test-logs/tests.log"));
    assertEquals(2, first.line());
    assertEquals(LogSearch.fingerprint(RECORDED), first.fingerprint());
    assertEquals(3, result.findings().get(1).line());
    assertTrue(result.findings().get(1).source().contains("Keys.java:1"));
    String report = result.findings() + result.summary();
    assertFalse(report.contains(RECORDED) || report.contains(DECLARED), report);
  }

  @Test
  void cleanLogsHaveNoFindings() throws Exception {
    reactor("nothing secret here\n" + RECORDED.substring(0, 10) + "\n", "fine\n");

    LogSearch.Result result = LogSearch.search(LogSearch.modules(root));

    assertEquals(List.of(), result.findings());
    assertEquals(3, result.lines());
  }

  @Test
  void aReactorWithoutTestOutputIsRecognised() throws Exception {
    module("api");
    module("store");
    assertFalse(LogSearch.anyTestOutput(LogSearch.modules(root)));
    write(root.resolve("store/target/surefire-reports/TEST-x.xml"), "<testsuite/>");
    assertTrue(LogSearch.anyTestOutput(LogSearch.modules(root)));
  }

  private static String pom(String self, String... dependencies) {
    StringBuilder out = new StringBuilder("<project><artifactId>" + self + "</artifactId>"
        + "<!-- <dependency><artifactId>dynsecret-build-support</artifactId></dependency> -->"
        + "<dependencies>");
    for (String d : dependencies) {
      out.append("<dependency>\n  <groupId>dev.dynsecret</groupId>\n  <artifactId>").append(d)
          .append("</artifactId>\n  <scope>test</scope>\n</dependency>");
    }
    return out.append("</dependencies></project>").toString();
  }

  @Test
  void modulesWhoseTestsUseTheTestKitWithoutTheRecorderAreNamed() throws Exception {
    Path wired = module("wired");
    write(wired.resolve("pom.xml"), pom("wired", "dynsecret-testkit", "dynsecret-build-support"));
    Path unwired = module("unwired");
    write(unwired.resolve("pom.xml"), pom("unwired", "dynsecret-apic-simulator"));
    Path noTests = module("no-tests");
    write(noTests.resolve("pom.xml"), pom("no-tests", "dynsecret-testkit"));
    Path unrelated = module("unrelated");
    write(unrelated.resolve("pom.xml"), pom("unrelated", "dynsecret-api"));
    Path recorder = module("dynsecret-build-support");
    write(recorder.resolve("pom.xml"), pom("dynsecret-build-support", "dynsecret-testkit"));
    for (Path m : List.of(wired, unwired, unrelated, recorder)) {
      Files.createDirectories(m.resolve("src/test/java"));
    }

    assertEquals(List.of("unwired"),
        LogSearch.modulesNotRecordingIssuedSecrets(LogSearch.modules(root)));
    assertEquals(List.of("dynsecret-testkit", "dynsecret-build-support"),
        LogSearch.dependencies(wired.resolve("pom.xml")), "a commented-out dependency is none");
  }
}
