package dev.dynsecret.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "verify", mixinStandardHelpOptions = true, footer = ExitCodes.FOOTER,
    description = {"Checks a dynamic secret's configuration against its provider.",
        "For IBM API Connect, in order: authentication (the API key), organization/catalog,"
            + " application. A failure names the step that failed."})
final class VerifyCommand extends Subcommand {
  @Parameters(index = "0", paramLabel = "SECRET", description = "The dynamic secret.")
  String secret;

  @Override
  public Integer call() {
    try (Session session = root.open()) {
      session.config().secret(secret);
      session.manager().verify(secret);
      out().println(secret + ": ok (the provider accepted the configuration)");
      return ExitCodes.OK;
    }
  }
}
