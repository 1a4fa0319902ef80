package dev.dynsecret.cli;

import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** The {@code dynsecret} command: global options, and the subcommands. */
@Command(
    name = "dynsecret",
    mixinStandardHelpOptions = true,
    versionProvider = DynsecretCommand.Version.class,
    description = {
        "An operator's console for dynsecret leases.",
        "See what exists and what is about to expire; create, renew and revoke leases; clean up;"
            + " explore IBM API Connect.",
        "It works on the store the applications use (--store, DYNSECRET_STORE_URL or store.url;"
            + " default " + Session.DEFAULT_STORE_URL + ") and a configuration file describing"
            + " the dynamic secrets (--config, DYNSECRET_CONFIG; default ./dynsecret.yaml)."
            + " Provider secrets are read only from $${env:NAME} or $${file:/path} references in"
            + " that file, never from the command line."},
    footer = ExitCodes.FOOTER,
    subcommands = {
        SecretsCommand.class, LeasesCommand.class, CreateCommand.class, RenewCommand.class,
        RevokeCommand.class, ForceRevokeCommand.class, ReconcileCommand.class, SweepCommand.class,
        VerifyCommand.class, ApicCommand.class, ConsoleCommand.class, CompletionCommand.class})
final class DynsecretCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Option(names = {"-c", "--config"}, paramLabel = "FILE", scope = ScopeType.INHERIT,
      description = "The configuration file (YAML). Default: $DYNSECRET_CONFIG, else ./dynsecret.yaml.")
  Path configFile;

  @Option(names = "--store", paramLabel = "JDBC_URL", scope = ScopeType.INHERIT,
      description = "The lease store, e.g. jdbc:h2:file:./data/dynsecret or"
          + " jdbc:postgresql://db:5432/app, without a password (use store.password in the file or"
          + " DYNSECRET_STORE_PASSWORD). Default: $$DYNSECRET_STORE_URL, else store.url, else "
          + Session.DEFAULT_STORE_URL + ".")
  String store;

  @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
      description = "Log what the library does (never a secret) and the causes of an error.")
  boolean verbose;

  final Environment environment;
  private CliConfig config;

  DynsecretCommand(Environment environment) {
    this.environment = environment;
  }

  @Override
  public void run() {
    // No subcommand: show what there is.
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The configuration file, read once. */
  CliConfig config() {
    if (config == null) {
      Path path;
      String shown;
      if (configFile != null) {
        path = environment.workingDirectory().resolve(configFile);
        shown = configFile.toString();
      } else if (environment.get("DYNSECRET_CONFIG") != null) {
        path = environment.workingDirectory().resolve(environment.get("DYNSECRET_CONFIG"));
        shown = environment.get("DYNSECRET_CONFIG");
      } else {
        path = environment.workingDirectory().resolve("dynsecret.yaml");
        shown = "dynsecret.yaml";
      }
      config = CliConfig.load(path, shown, environment.variables());
    }
    return config;
  }

  /** The store and a lease manager with the configured secrets; the caller closes it. */
  Session open() {
    return Session.open(config(), store, environment);
  }

  /** The version from the jar's manifest, or "development build" when run from classes. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = DynsecretCommand.class.getPackage().getImplementationVersion();
      return new String[] {"dynsecret " + (v == null ? "(development build)" : v)};
    }
  }
}
