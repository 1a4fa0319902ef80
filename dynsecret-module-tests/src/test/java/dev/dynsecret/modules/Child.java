package dev.dynsecret.modules;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An application running in its own JVM on the module path. Its output is read line by line as it
 * comes; every wait is bounded, and a child still running at {@link #close()} is killed.
 */
final class Child implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Child.class);
  private static final String END = "\u0000end";

  private final Process process;
  private final BlockingQueue<String> pending = new LinkedBlockingQueue<>();
  private final List<String> stdout = new CopyOnWriteArrayList<>();
  private final List<String> stderr = new CopyOnWriteArrayList<>();

  private Child(Process process) {
    this.process = process;
    pump(process.getInputStream(), "out", line -> {
      stdout.add(line);
      pending.add(line);
    });
    pump(process.getErrorStream(), "err", stderr::add);
  }

  /** Starts {@code java --module-path ... -m module/mainClass args} with {@code env} added. */
  static Child start(List<Path> modulePath, String module, String mainClass,
      Map<String, String> env, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1",
        "--module-path", ModulePath.argument(modulePath),
        "-m", module + "/" + mainClass));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().putAll(env);
    return new Child(builder.start());
  }

  /**
   * The next line of standard output starting with {@code prefix}, skipping others (log lines).
   *
   * @throws AssertionError if the output ends or {@code timeout} passes first
   */
  String awaitLine(String prefix, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      String line = pending.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      if (line == null || line.equals(END)) {
        throw new AssertionError("no line starting with '" + prefix + "' within " + timeout
            + (line == null ? "" : " (the output ended)") + "\n" + transcript());
      }
      if (line.startsWith(prefix)) {
        return line;
      }
    }
  }

  /** Sends one line to the application's standard input. */
  void send(String line) throws IOException {
    Writer in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    in.write(line + "\n");
    in.flush();
  }

  /**
   * Waits for the application to end.
   *
   * @return its exit code
   * @throws AssertionError if it is still running after {@code timeout}
   */
  int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("still running after " + timeout + "\n" + transcript());
    }
    return process.exitValue();
  }

  /** Everything the application printed so far, for assertion messages. */
  String transcript() {
    return "--- stdout\n" + String.join("\n", stdout) + "\n--- stderr\n" + String.join("\n", stderr);
  }

  /** Standard output so far. */
  List<String> stdout() {
    return List.copyOf(stdout);
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }

  private void pump(InputStream stream, String name, Consumer<String> sink) {
    Thread thread = new Thread(() -> {
      try (BufferedReader reader = new BufferedReader(
          new InputStreamReader(stream, StandardCharsets.UTF_8))) {
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
          // Into the test log as well, which dynsecret-security-tests searches for secrets.
          log.info("app {}: {}", name, line);
          sink.accept(line);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } finally {
        if (name.equals("out")) {
          pending.add(END);
        }
      }
    }, "child-" + name);
    thread.setDaemon(true);
    thread.start();
  }
}
