package dev.dynsecret.cli;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * What the command line takes from its surroundings, passed in so that tests can run it
 * in-process with their own environment variables, directory and clock.
 *
 * @param variables the environment variables (the configuration's {@code ${env:...}} and the
 *     {@code DYNSECRET_*} settings read them)
 * @param workingDirectory where relative paths (the default configuration file) start
 * @param clock the time leases are shown relative to, and the lease manager's clock
 * @param stdoutIsTerminal whether standard output is a terminal ({@code create} warns then)
 * @param databaseClock whether the lease manager decides by the database's clock, as every node
 *     sharing the store does (true); tests that drive {@code clock} by hand turn it off
 */
record Environment(Map<String, String> variables, Path workingDirectory, Clock clock,
    boolean stdoutIsTerminal, boolean databaseClock) {

  /** The process's own. */
  static Environment system() {
    // Java 17 cannot ask about stdout alone; a console exists only when stdin and stdout are both
    // terminals, which is the interactive case the warning is for.
    return new Environment(System.getenv(), Path.of("").toAbsolutePath(), Clock.systemUTC(),
        System.console() != null, true);
  }

  String get(String name) {
    String value = variables.get(name);
    return value == null || value.isBlank() ? null : value;
  }
}
