package dev.dynsecret.cli;

import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * Runs {@code dynsecret}: {@code java -jar dynsecret.jar --help}.
 */
public final class Main {
  private Main() {}

  /**
   * Runs the command line and exits with its exit code.
   *
   * @param args the command line's arguments
   */
  public static void main(String[] args) {
    configureLogging(args);
    System.exit(commandLine(Environment.system()).execute(args));
  }

  /**
   * The command line on {@code environment}; output to this process's stdout and stderr until
   * the caller sets others ({@link CommandLine#setOut}, {@link CommandLine#setErr}).
   */
  static CommandLine commandLine(Environment environment) {
    DynsecretCommand root = new DynsecretCommand(environment);
    boolean[] verbose = {false};
    CommandLine cli = new CommandLine(root);
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setOut(new PrintWriter(System.out, true));
    cli.setErr(new PrintWriter(System.err, true));
    cli.setExecutionStrategy(parsed -> {
      verbose[0] = root.verbose;
      return new CommandLine.RunLast().execute(parsed);
    });
    cli.setExecutionExceptionHandler(new Failures(verbose));
    return cli;
  }

  /**
   * slf4j-simple reads its settings once, when the first logger is made: before anything runs.
   * Nothing by default (the error line says it all); with {@code --verbose}, to stderr, info lines
   * and dynsecret's own debug lines.
   */
  private static void configureLogging(String[] args) {
    boolean verbose = false;
    for (String arg : args) {
      if (arg.equals("-v") || arg.equals("--verbose")) {
        verbose = true;
      }
      if (arg.equals("--")) {
        break;
      }
    }
    System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
    // The library's log lines repeat what the one error line says; --verbose shows them.
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "info" : "off");
    if (verbose) {
      System.setProperty("org.slf4j.simpleLogger.log.dev.dynsecret", "debug");
    }
    // The web console's audit lines (who did what) are its log: always on.
    System.setProperty("org.slf4j.simpleLogger.log.dev.dynsecret.console.audit", "info");
    System.setProperty("org.slf4j.simpleLogger.showThreadName", "false");
    System.setProperty("org.slf4j.simpleLogger.levelInBrackets", "true");
  }
}
