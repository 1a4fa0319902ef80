package dev.dynsecret.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.LoggerFactory;

/**
 * Captures every log event while a test runs, so it can be searched for secrets. Only logback
 * can be captured this way; the logback classes live in {@link LogbackCapture}, loaded by
 * reflection, so the testkit still works when logback is not on the classpath.
 */
public interface LogCapture {
  /**
   * {@return every event captured so far, rendered as text (message, arguments, MDC, stack traces)}
   */
  List<String> events();

  /** Stops capturing and restores the logging configuration. */
  void stop();

  /**
   * {@return a running capture if logback-classic is the SLF4J backend, else empty} Loggers of
   * {@code
   * dev.dynsecret} and of {@code debugPackages} log at every level while it runs.
   *
   * @param debugPackages the packages whose loggers to set to the lowest level while capturing
   */
  static Optional<LogCapture> startIfLogback(String... debugPackages) {
    if (!LoggerFactory.getILoggerFactory().getClass().getName()
        .equals("ch.qos.logback.classic.LoggerContext")) {
      return Optional.empty();
    }
    try {
      List<String> packages = new ArrayList<>(List.of("dev.dynsecret"));
      packages.addAll(List.of(debugPackages));
      return Optional.of((LogCapture) Class.forName("dev.dynsecret.testkit.LogbackCapture")
          .getDeclaredConstructor(List.class).newInstance(packages));
    } catch (ReflectiveOperationException | LinkageError e) {
      return Optional.empty();
    }
  }
}
