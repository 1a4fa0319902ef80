package dev.dynsecret.security;

import dev.dynsecret.buildsupport.SecretsUsed;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Searches the logs a reactor's modules wrote while testing for the secret values their tests
 * used. Knows the layout the build sets up: per module, {@code target/test-logs/**} (logback's
 * file appender; {@code target/test-logs.log} for slf4j-simple) and the test output surefire
 * redirected to {@code target/surefire-reports/*-output.txt}; secrets in {@code
 * target/test-secrets/*.txt} ({@link SecretsUsed}) and, in test sources, string literals carrying
 * the {@value #MARKER} marker (the convention for fixed test secrets).
 *
 * <p>A finding names the file and line and a fingerprint of the value, never the value itself, so
 * the report does not repeat the leak.
 */
final class LogSearch {
  /** Fixed secrets in test sources contain this, e.g. {@code "ak-SECRET-apikey-7f3a9c"}. */
  static final String MARKER = "-SECRET-";
  /** Shorter values ("p", "my-key") would match ordinary text; they are counted, not searched. */
  static final int MIN_LENGTH = 8;
  /** Modules whose tools issue secrets (RecordingProvider, the APIC simulator) to tests. */
  static final List<String> ISSUING_MODULES = List.of("dynsecret-testkit", "dynsecret-apic-simulator");
  /** The module whose presence on a test class path records what those tools issue. */
  static final String RECORDING_MODULE = "dynsecret-build-support";
  private static final Pattern DEPENDENCY_ARTIFACT = Pattern.compile(
      "<dependency>.*?<artifactId>\\s*([^<\\s]+)\\s*</artifactId>.*?</dependency>", Pattern.DOTALL);
  private static final int PREFIX = MIN_LENGTH;
  private static final Pattern MARKED_LITERAL =
      Pattern.compile("\"([^\"\\\\\\s]*" + Pattern.quote(MARKER) + "[^\"\\\\\\s]*)\"");

  /** One place a secret value was found. */
  record Finding(Path file, int line, String fingerprint, String source) {
    @Override
    public String toString() {
      return file + ":" + line + ": secret " + fingerprint + " (" + source + ")";
    }
  }

  /** What was searched and what was found. */
  record Result(
      List<String> modules,
      Map<String, Integer> logFilesPerModule,
      Map<String, Integer> secretsPerModule,
      List<Path> logFiles,
      long lines,
      long bytes,
      int secretsSearched,
      int secretsTooShort,
      List<Finding> findings) {

    String summary() {
      return "searched " + logFiles.size() + " log files (" + lines + " lines, " + bytes
          + " bytes) for " + secretsSearched + " secret values (" + secretsTooShort
          + " shorter than " + MIN_LENGTH + " characters skipped); log files per module "
          + logFilesPerModule + ", secrets recorded or declared per module " + secretsPerModule
          + "; " + findings.size() + " findings";
    }
  }

  private LogSearch() {}

  /** The modules of the reactor at {@code root}: its child directories holding a pom.xml. */
  static List<Path> modules(Path root) {
    try (Stream<Path> children = Files.list(root)) {
      return children.filter(d -> Files.isRegularFile(d.resolve("pom.xml"))).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Whether any module has test output at all: logs, recorded secrets or surefire reports. */
  static boolean anyTestOutput(List<Path> modules) {
    return modules.stream().anyMatch(m -> Files.isDirectory(m.resolve("target/test-logs"))
        || Files.isDirectory(m.resolve("target/test-secrets"))
        || Files.isDirectory(m.resolve("target/surefire-reports")));
  }

  /**
   * The modules with tests that depend on a module of {@link #ISSUING_MODULES} but not on {@link
   * #RECORDING_MODULE}: the secrets the test kit's tools hand their tests are announced to no one
   * there, so the search would not look for them. Read from each module's pom.xml.
   */
  static List<String> modulesNotRecordingIssuedSecrets(List<Path> modules) {
    List<String> missing = new ArrayList<>();
    for (Path module : modules) {
      if (!Files.isDirectory(module.resolve("src/test/java"))) {
        continue;
      }
      List<String> dependencies = dependencies(module.resolve("pom.xml"));
      if (dependencies.stream().anyMatch(ISSUING_MODULES::contains)
          && !dependencies.contains(RECORDING_MODULE)
          && !module.getFileName().toString().equals(RECORDING_MODULE)) {
        missing.add(module.getFileName().toString());
      }
    }
    return missing;
  }

  /** The artifact ids of the dependencies a pom declares (any scope). */
  static List<String> dependencies(Path pom) {
    try {
      // Comments could hold a <dependency> example; they are not dependencies.
      String text = Files.readString(pom, StandardCharsets.UTF_8).replaceAll("(?s)<!--.*?-->", "");
      List<String> ids = new ArrayList<>();
      Matcher m = DEPENDENCY_ARTIFACT.matcher(text);
      while (m.find()) {
        ids.add(m.group(1));
      }
      return ids;
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + pom, e);
    }
  }

  static Result search(List<Path> modules) {
    Map<String, String> secrets = new LinkedHashMap<>();
    Map<String, Integer> secretsPerModule = new TreeMap<>();
    Map<String, Integer> logsPerModule = new TreeMap<>();
    List<Path> logs = new ArrayList<>();
    for (Path module : modules) {
      String name = module.getFileName().toString();
      int before = secrets.size();
      for (String value : SecretsUsed.readAll(module.resolve("target/test-secrets"))) {
        secrets.putIfAbsent(value, "recorded by the tests of " + name);
      }
      markedLiterals(module.resolve("src/test/java"), secrets);
      secretsPerModule.put(name, secrets.size() - before);
      List<Path> moduleLogs = logFiles(module);
      logsPerModule.put(name, moduleLogs.size());
      logs.addAll(moduleLogs);
    }
    int tooShort = 0;
    Map<String, List<String>> byPrefix = new LinkedHashMap<>();
    for (String value : secrets.keySet()) {
      if (value.length() < MIN_LENGTH) {
        tooShort++;
      } else {
        byPrefix.computeIfAbsent(value.substring(0, PREFIX), k -> new ArrayList<>()).add(value);
      }
    }
    long lines = 0;
    long bytes = 0;
    List<Finding> findings = new ArrayList<>();
    for (Path log : logs) {
      try {
        bytes += Files.size(log);
        // Malformed bytes (binary output) must not end the search: replace them.
        var decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
        try (BufferedReader reader = new BufferedReader(
            new java.io.InputStreamReader(Files.newInputStream(log), decoder))) {
          String line;
          int number = 0;
          while ((line = reader.readLine()) != null) {
            number++;
            for (String value : valuesIn(line, byPrefix)) {
              findings.add(new Finding(log, number, fingerprint(value), secrets.get(value)));
            }
          }
          lines += number;
        }
      } catch (IOException e) {
        throw new UncheckedIOException("could not read " + log, e);
      }
    }
    return new Result(modules.stream().map(m -> m.getFileName().toString()).toList(),
        logsPerModule, secretsPerModule, logs, lines, bytes, byPrefix.values().stream()
            .mapToInt(List::size).sum(), tooShort, findings);
  }

  /** The secret values occurring in {@code line}: a prefix lookup at each position, then a match. */
  private static List<String> valuesIn(String line, Map<String, List<String>> byPrefix) {
    List<String> found = new ArrayList<>();
    for (int i = 0; i + PREFIX <= line.length(); i++) {
      List<String> candidates = byPrefix.get(line.substring(i, i + PREFIX));
      if (candidates != null) {
        for (String value : candidates) {
          if (line.startsWith(value, i) && !found.contains(value)) {
            found.add(value);
          }
        }
      }
    }
    return found;
  }

  private static List<Path> logFiles(Path module) {
    List<Path> files = new ArrayList<>();
    Path target = module.resolve("target");
    Path logDir = target.resolve("test-logs");
    if (Files.isDirectory(logDir)) {
      try (Stream<Path> walk = Files.walk(logDir)) {
        walk.filter(Files::isRegularFile).sorted().forEach(files::add);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    if (Files.isRegularFile(target.resolve("test-logs.log"))) {
      files.add(target.resolve("test-logs.log"));
    }
    for (String reports : List.of("surefire-reports", "search-reports")) {
      Path dir = target.resolve(reports);
      if (Files.isDirectory(dir)) {
        try (Stream<Path> list = Files.list(dir)) {
          list.filter(f -> f.getFileName().toString().endsWith("-output.txt")).sorted()
              .forEach(files::add);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    return files;
  }

  private static void markedLiterals(Path testSources, Map<String, String> into) {
    if (!Files.isDirectory(testSources)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(testSources)) {
      for (Path source : walk.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
        List<String> lines = Files.readAllLines(source, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
          Matcher m = MARKED_LITERAL.matcher(lines.get(i));
          while (m.find()) {
            if (!m.group(1).equals(MARKER)) {
              into.putIfAbsent(m.group(1), "declared in " + source.getFileName() + ":" + (i + 1));
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A short, stable name for a value that does not reveal it. */
  static String fingerprint(String value) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest(value.getBytes(StandardCharsets.UTF_8));
      return "sha256:" + HexFormat.of().formatHex(digest, 0, 6) + " (" + value.length()
          + " chars)";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
