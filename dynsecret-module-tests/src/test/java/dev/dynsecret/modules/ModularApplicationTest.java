package dev.dynsecret.modules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * dynsecret used as Java modules, the way a modular application would: applications compiled with
 * javac against the built modules, run with {@code java --module-path ... -m app/app.Main}.
 */
class ModularApplicationTest {
  /** Generous: the machine running the build may be busy; no wait is expected to come near it. */
  private static final Duration WAIT = Duration.ofSeconds(90);

  @TempDir Path work;

  @Test
  void eachModuleExportsOnlyItsPublicPackages() {
    ModuleFinder finder = ModuleFinder.of(
        ModulePath.DYNSECRET.stream().map(ModulePath::locationOf).toArray(Path[]::new));
    Map<String, ModuleDescriptor> modules = finder.findAll().stream()
        .map(m -> m.descriptor()).collect(Collectors.toMap(ModuleDescriptor::name, d -> d));

    assertEquals(Set.of("dev.dynsecret", "dev.dynsecret.memory", "dev.dynsecret.jdbc",
        "dev.dynsecret.apic"), modules.keySet());
    assertEquals(Set.of("dev.dynsecret", "dev.dynsecret.spi"), exports(modules.get("dev.dynsecret")));
    assertEquals(Set.of("dev.dynsecret.memory"), exports(modules.get("dev.dynsecret.memory")));
    assertEquals(Set.of("dev.dynsecret.jdbc"), exports(modules.get("dev.dynsecret.jdbc")));
    assertEquals(Set.of("dev.dynsecret.apic"), exports(modules.get("dev.dynsecret.apic")));
    for (ModuleDescriptor module : modules.values()) {
      assertFalse(module.isAutomatic() || module.isOpen(), module.name() + " is automatic or open");
      assertTrue(module.opens().isEmpty(), module.name() + " opens " + module.opens());
      // The internal packages are there, just not exported.
      assertTrue(module.packages().stream().anyMatch(p -> p.endsWith(".internal"))
          || module.name().equals("dev.dynsecret.memory"), module.name() + ": " + module.packages());
    }
    assertEquals(Set.of("dev.dynsecret.spi.DynamicSecretProvider"),
        modules.get("dev.dynsecret").uses());
    assertEquals(List.of("dev.dynsecret.spi.DynamicSecretProvider provides "
            + "[dev.dynsecret.apic.ApiConnectProvider]"),
        modules.get("dev.dynsecret.apic").provides().stream()
            .map(p -> p.service() + " provides " + p.providers()).toList());
  }

  @ParameterizedTest(name = "{0} store")
  @ValueSource(strings = {"memory", "jdbc"})
  void applicationOnTheModulePathCreatesListsAndRevokesALease(String store) throws Exception {
    Javac.Result compiled = Javac.compile("lifecycle", ModulePath.forCompiling(), work);
    assertTrue(compiled.success(), compiled.describe());
    Path secretFile = work.resolve("client-secret.txt");

    try (ApicFixture apic = new ApicFixture();
        Child app = Child.start(ModulePath.forRunning(compiled.output()), "app", "app.Main",
            apic.environment(), store, secretFile.toString())) {
      // The provider module is resolved though nothing requires it (service binding), and the
      // annotations are not needed at run time.
      assertEquals("modules: dev.dynsecret, dev.dynsecret.memory, dev.dynsecret.jdbc;"
          + " provider module dev.dynsecret.apic; annotations absent", app.awaitLine("modules:", WAIT));

      String created = app.awaitLine("created ", WAIT);
      String[] parts = created.split(" ");
      String leaseId = parts[1];
      String clientId = parts[3].substring("clientId=".length());
      assertEquals("ACTIVE", parts[2], created);
      String clientSecret = Files.readString(secretFile, StandardCharsets.UTF_8);
      apic.recordSecret(clientSecret);
      assertEquals(List.of("dynsecret-" + leaseId + " " + clientId), apic.liveCredentials());
      assertTrue(apic.accepts(clientId, clientSecret),
          "the client secret the application got does not work at APIC");
      assertEquals("listed " + leaseId + " ACTIVE", app.awaitLine("listed ", WAIT));
      assertTrue(app.stdout().stream().anyMatch(line -> line.contains(
              "Using provider dev.dynsecret.apic.ApiConnectProvider for type 'ibm-api-connect'"
                  + " (found by ServiceLoader)")), app.transcript());

      app.awaitLine("waiting", WAIT);
      app.send("revoke");
      assertEquals("revoked " + leaseId + " REVOKED MANUAL", app.awaitLine("revoked ", WAIT));
      app.awaitLine("done", WAIT);
      assertEquals(0, app.awaitExit(WAIT), app.transcript());
      assertEquals(List.of(), apic.liveCredentials());
      assertFalse(apic.accepts(clientId, clientSecret));
      assertTrue(app.stdout().stream().noneMatch(line -> line.contains(clientSecret)),
          "the client secret reached the application's output");
    }
  }

  @Test
  void anApplicationImportingAnInternalPackageDoesNotCompile() throws Exception {
    Javac.Result compiled = Javac.compile("internal-import", ModulePath.forCompiling(), work);

    assertFalse(compiled.success(), "it compiled");
    assertEquals(Set.of("dev.dynsecret.internal", "dev.dynsecret.jdbc.internal",
            "dev.dynsecret.apic.internal"),
        compiled.errors().stream()
            .filter(d -> d.getCode().equals("compiler.err.package.not.visible"))
            .map(d -> d.getMessage(Locale.ROOT))
            .map(message -> message.substring("package ".length(), message.indexOf(" is not visible")))
            .collect(Collectors.toSet()),
        compiled.describe());
    for (String[] expected : List.of(
        new String[] {"dev.dynsecret.internal", "dev.dynsecret"},
        new String[] {"dev.dynsecret.jdbc.internal", "dev.dynsecret.jdbc"},
        new String[] {"dev.dynsecret.apic.internal", "dev.dynsecret.apic"})) {
      String because = "package " + expected[0] + " is declared in module " + expected[1]
          + ", which does not export it";
      assertTrue(compiled.describe().contains(because), because + "\n" + compiled.describe());
    }
  }

  @Test
  void reflectionFromAnApplicationModuleCannotReachAnInternalPackage() throws Exception {
    Javac.Result compiled = Javac.compile("reflection", ModulePath.forCompiling(), work);
    assertTrue(compiled.success(), compiled.describe());

    try (Child app = Child.start(ModulePath.forRunning(compiled.output()), "app", "app.Main", Map.of(),
        "dev.dynsecret.Secret#of",
        "dev.dynsecret.internal.Texts#quoted",
        "dev.dynsecret.jdbc.internal.Transactions#duplicate")) {
      assertEquals(0, app.awaitExit(WAIT), app.transcript());
      List<String> out = app.stdout();

      // The exported package answers, so the refusals below are the module boundary at work.
      assertTrue(out.contains("called dev.dynsecret.Secret#of"), app.transcript());
      assertRefused(out, "dev.dynsecret.internal.Texts#quoted", "dev.dynsecret",
          "dev.dynsecret.internal");
      assertRefused(out, "dev.dynsecret.jdbc.internal.Transactions#duplicate", "dev.dynsecret.jdbc",
          "dev.dynsecret.jdbc.internal");
      assertTrue(out.stream().noneMatch(line -> line.contains("internal") && line.startsWith("called")),
          app.transcript());
    }
  }

  private static void assertRefused(List<String> out, String target, String module, String pkg) {
    String invoke = "refused invoke " + target + ": ";
    assertTrue(out.stream().anyMatch(line -> line.startsWith(invoke)
            && line.contains("module " + module + " does not export " + pkg + " to module app")),
        invoke + "\n" + String.join("\n", out));
    String setAccessible = "refused setAccessible " + target + ": ";
    assertTrue(out.stream().anyMatch(line -> line.startsWith(setAccessible)
            && line.contains("module " + module + " does not \"exports " + pkg + "\" to module app")),
        setAccessible + "\n" + String.join("\n", out));
  }

  private static Set<String> exports(ModuleDescriptor module) {
    module.exports().forEach(e -> assertFalse(e.isQualified(), module.name() + " exports " + e));
    return module.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toSet());
  }
}
