package dev.dynsecret.testkit;

import java.util.List;
import java.util.Optional;
import org.slf4j.LoggerFactory;

/**
 * Captures every log event while a test runs, so it can be searched for secrets. Only logback
 * can be captured this way; the logback classes live in {@link LogbackCapture}, loaded by
 * reflection, so the testkit still works when logback is not on the classpath.
 */
public interface LogCapture {
  /** Every event captured so far, rendered as text (message, arguments, MDC, stack traces). */
  List<String> events();

  /** Stops capturing and restores the logging configuration. */
  void stop();

  /** A running capture if logback-classic is the SLF4J backend, else empty. */
  static Optional<LogCapture> startIfLogback() {
    if (!LoggerFactory.getILoggerFactory().getClass().getName()
        .equals("ch.qos.logback.classic.LoggerContext")) {
      return Optional.empty();
    }
    try {
      return Optional.of((LogCapture) Class.forName("dev.dynsecret.testkit.LogbackCapture")
          .getDeclaredConstructor().newInstance());
    } catch (ReflectiveOperationException | LinkageError e) {
      return Optional.empty();
    }
  }
}
