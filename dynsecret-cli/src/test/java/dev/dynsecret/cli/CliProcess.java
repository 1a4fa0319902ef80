package dev.dynsecret.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code dynsecret} as a real child process: {@code java -cp <this JVM's class path>
 * dev.dynsecret.cli.Main ...}, with its own environment, working directory and exit code.
 */
final class CliProcess {
  private final Process process;
  private final Path out;
  private final Path err;
  private final List<String> args;

  private CliProcess(Process process, Path out, Path err, List<String> args) {
    this.process = process;
    this.out = out;
    this.err = err;
    this.args = args;
  }

  /** Starts one; {@link #await()} waits for it. */
  static CliProcess start(Path workingDirectory, Map<String, String> env, String... args) {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m",
        // The child logs to this module's test log too, so the secret scan covers it.
        "-Ddynsecret.testLogDir=" + Path.of(System.getProperty("dynsecret.testLogDir",
            "target/test-logs")).toAbsolutePath(),
        "-cp", System.getProperty("java.class.path"),
        Main.class.getName()));
    command.addAll(List.of(args));
    try {
      Path out = Files.createTempFile(workingDirectory, "stdout", ".txt");
      Path err = Files.createTempFile(workingDirectory, "stderr", ".txt");
      ProcessBuilder builder = new ProcessBuilder(command).directory(workingDirectory.toFile())
          .redirectOutput(out.toFile()).redirectError(err.toFile());
      builder.environment().putAll(env);
      return new CliProcess(builder.start(), out, err, List.of(args));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs one to its end. */
  static Cli.Result run(Path workingDirectory, Map<String, String> env, String... args) {
    return start(workingDirectory, env, args).await();
  }

  Cli.Result await() {
    try {
      if (!process.waitFor(120, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("dynsecret " + args + " did not finish in 120 s");
      }
      Cli.Result result = new Cli.Result(process.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
      Cli.log(args, result);
      return result;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
