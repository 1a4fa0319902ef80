package dev.dynsecret.cli;

import dev.dynsecret.apic.simulator.ApicSimulator;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/**
 * Runs {@code dynsecret} in-process against an APIC simulator, on an H2 file in a test directory,
 * with a configuration file whose secrets come from {@code ${env:...}} references.
 */
final class Cli {
  /** What one run left: exit code, stdout, stderr. */
  record Result(int exit, String out, String err) {
    @Override
    public String toString() {
      return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  static final String SECRET = "orders-api";

  final ApicSimulator apic;
  final Path dir;
  final Map<String, String> env = new HashMap<>();
  Clock clock = Clock.systemUTC();
  boolean terminal;

  Cli(ApicSimulator apic, Path dir) {
    this.apic = apic;
    this.dir = dir;
    env.put("APIC_API_KEY", apic.apiKey().reveal());
    env.put("APIC_CLIENT_SECRET", apic.clientSecret().reveal());
    writeConfig(standardConfig(apic, "1h", "8h"));
  }

  String storeUrl() {
    return "jdbc:h2:file:" + dir.resolve("data/dynsecret");
  }

  /** A configuration with one ibm-api-connect secret on the simulator's seeded application. */
  static String standardConfig(ApicSimulator apic, String defaultTtl, String maxTtl) {
    return """
        # The operator's configuration, as in the README.
        secrets:
          orders-api:
            provider: ibm-api-connect
            defaultTtl: %s
            maxTtl: %s
            config:
              url: %s
              apiKey: ${env:APIC_API_KEY}
              clientId: %s
              clientSecret: ${env:APIC_CLIENT_SECRET}
              org: %s
              catalog: %s
              app: %s
        """.formatted(defaultTtl, maxTtl, apic.baseUrl(), apic.clientId(),
        apic.seed().org().name(), apic.seed().catalog().name(), apic.seed().app().name());
  }

  Path writeConfig(String yaml) {
    return write("dynsecret.yaml", yaml);
  }

  Path write(String name, String content) {
    try {
      Path file = dir.resolve(name);
      Files.writeString(file, content);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs with the store on the test's H2 file. */
  Result run(String... args) {
    String[] all = new String[args.length + 2];
    all[0] = "--store";
    all[1] = storeUrl();
    System.arraycopy(args, 0, all, 2, args.length);
    return runRaw(all);
  }

  /** Runs exactly these arguments. */
  Result runRaw(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine(new Environment(Map.copyOf(env), dir, clock, terminal, false));
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    Result result = new Result(exit, out.toString(), err.toString());
    log(List.of(args), result);
    return result;
  }

  /**
   * Appends what a run printed to this module's test log, which the reactor's secret scan reads.
   * The one exception is {@code create}'s stdout: printing the credential is its job.
   */
  static void log(List<String> args, Result result) {
    boolean create = args.contains("create");
    String text = "$ dynsecret " + String.join(" ", args) + "\n"
        + (create ? "(create's stdout holds the credential; not logged)\n" : result.out())
        + result.err() + "exit " + result.exit() + "\n";
    Path logDir = Path.of(System.getProperty("dynsecret.testLogDir", "target/test-logs"));
    try {
      Files.createDirectories(logDir);
      Files.writeString(logDir.resolve("cli-output.log"), text, StandardCharsets.UTF_8,
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
