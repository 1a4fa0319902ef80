package dev.dynsecret.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynsecret.apic.simulator.ApicSimulator;
import dev.dynsecret.buildsupport.SecretsUsed;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code dynsecret console}: the web console on loopback, signed in with the printed token. */
class ConsoleCommandTest {
  private static final Pattern URL = Pattern.compile("dynsecret console at (http://\\S+/)");
  private static final Pattern TOKEN = Pattern.compile("sign-in token \\(shown this once\\): (\\S+)");

  @TempDir
  Path dir;

  private ApicSimulator apic;
  private Cli cli;

  @BeforeEach
  void start() {
    apic = ApicSimulator.builder().start();
    cli = new Cli(apic, dir);
  }

  @AfterEach
  void stop() {
    apic.close();
  }

  @Test
  void servesTheConsoleOnLoopbackWithAGeneratedToken() throws Exception {
    StringWriter out = new StringWriter();
    CommandLine command = Main.commandLine(new Environment(Map.copyOf(cli.env), dir,
        Clock.systemUTC(), false, false));
    command.setOut(new PrintWriter(out, true));
    command.setErr(new PrintWriter(new StringWriter(), true));
    ConsoleCommand console = (ConsoleCommand) command.getSubcommands().get("console").getCommand();
    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> command.execute(
        "--store", cli.storeUrl(), "console", "--port", "0"));
    // Wait for the start-up lines (the command prints them once it listens).
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!TOKEN.matcher(out.toString()).find() && !exit.isDone()
        && System.nanoTime() < deadline) {
      java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
    }
    String printed = out.toString();
    Matcher url = URL.matcher(printed);
    Matcher token = TOKEN.matcher(printed);
    assertTrue(url.find() && token.find(), printed);
    SecretsUsed.record(token.group(1));
    assertTrue(url.group(1).startsWith("http://127.0.0.1:"), url.group(1));
    Cli.log(List.of("console", "--port", "0"),
        new Cli.Result(0, printed.replace(token.group(1), "(token)"), ""));

    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> wrong = http.send(HttpRequest.newBuilder(URI.create(url.group(1)
        + "api/login")).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"token\":\"wrong-wrong-wrong-wrong\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(401, wrong.statusCode());
    HttpResponse<String> login = http.send(HttpRequest.newBuilder(URI.create(url.group(1)
        + "api/login")).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"token\":\"" + token.group(1) + "\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, login.statusCode());
    String cookie = login.headers().firstValue("Set-Cookie").orElseThrow();
    SecretsUsed.record(cookie.substring(cookie.indexOf('=') + 1, cookie.indexOf(';')));
    HttpResponse<String> secrets = http.send(HttpRequest.newBuilder(URI.create(url.group(1)
        + "api/secrets")).header("Cookie", cookie.substring(0, cookie.indexOf(';'))).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, secrets.statusCode());
    assertTrue(secrets.body().contains("\"name\":\"orders-api\""), secrets.body());

    console.stop.countDown();
    assertEquals(0, exit.get(30, TimeUnit.SECONDS));
  }

  @Test
  void aShortTokenFileIsABadUsage() throws Exception {
    Files.writeString(dir.resolve("token"), "short\n");
    Cli.Result result = cli.run("console", "--port", "0", "--token-file", "token");
    assertEquals(ExitCodes.USAGE, result.exit(), result.toString());
    assertTrue(result.err().contains("--token-file: must hold a token of at least 16"),
        result.err());
  }
}
