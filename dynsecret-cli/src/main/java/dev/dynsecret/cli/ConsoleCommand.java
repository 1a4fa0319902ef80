package dev.dynsecret.cli;

import dev.dynsecret.InvalidRequestException;
import dev.dynsecret.Secret;
import dev.dynsecret.console.Console;
import dev.dynsecret.console.ConsoleServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "console", mixinStandardHelpOptions = true, footer = ExitCodes.FOOTER,
    description = {"Serves the web console on this machine until stopped (Ctrl-C).",
        "The console shows the configured secrets and their leases, and creates, renews and"
            + " revokes leases, reconciles and sweeps, on the store the applications use. Users"
            + " sign in with a token: a new one is printed at start, or --token-file names a file"
            + " holding it. Bound to 127.0.0.1 unless --bind says otherwise; reach it from"
            + " elsewhere through an SSH tunnel rather than binding a public address. Expiry"
            + " stays with the applications' managers."})
final class ConsoleCommand extends Subcommand {
  @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
      description = "The address to listen on (default: ${DEFAULT-VALUE}, this machine only).")
  String bind;

  @Option(names = "--port", paramLabel = "PORT", defaultValue = "8200",
      description = "The port (default: ${DEFAULT-VALUE}; 0 for any free port).")
  int port;

  @Option(names = "--token-file", paramLabel = "FILE",
      description = "A file holding the sign-in token (at least 16 characters). Default: a new"
          + " random token, printed once at start.")
  Path tokenFile;

  @Option(names = "--read-only", description = "Refuse every change: only show.")
  boolean readOnly;

  /** Counted down to stop the server; tests do, Ctrl-C ends the process. */
  final CountDownLatch stop = new CountDownLatch(1);

  @Override
  public Integer call() throws InterruptedException {
    Secret token;
    boolean generated = tokenFile == null;
    if (generated) {
      byte[] bytes = new byte[32];
      new SecureRandom().nextBytes(bytes);
      token = Secret.of(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
    } else {
      token = readToken(root.environment.workingDirectory().resolve(tokenFile));
    }
    try (Session session = root.open()) {
      Console console;
      try {
        console = Console.builder(session.manager()).tokenAuthentication(token)
            .readOnly(readOnly).clock(root.environment.clock()).build();
      } catch (InvalidRequestException e) {
        throw new ConfigException("--token-file: " + CliConfig.ruleOf(e));
      }
      ConsoleServer server;
      try {
        server = ConsoleServer.builder(console).bind(bind).port(port).start();
      } catch (InvalidRequestException e) {
        throw new ConfigException("--" + e.field() + ": " + CliConfig.ruleOf(e));
      } catch (UncheckedIOException e) {
        throw new ConfigException("--port: " + e.getMessage());
      }
      try (server) {
        out().println("dynsecret console at " + server.url() + (readOnly ? " (read-only)" : "")
            + " on " + session.storeUrl());
        if (generated) {
          out().println("sign-in token (shown this once): " + token.reveal());
        } else {
          out().println("sign in with the token in " + tokenFile);
        }
        out().println("Ctrl-C stops it.");
        out().flush();
        stop.await();
      }
    }
    return ExitCodes.OK;
  }

  private static Secret readToken(Path file) {
    String content;
    try {
      content = Files.readString(file, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new ConfigException("--token-file: " + file + " cannot be read ("
          + e.getClass().getSimpleName() + ")");
    }
    if (content.length() < 16) {
      throw new ConfigException("--token-file: must hold a token of at least 16 characters; "
          + file + " holds " + content.length());
    }
    return Secret.of(content);
  }
}
