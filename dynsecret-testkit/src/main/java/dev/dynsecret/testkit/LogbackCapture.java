package dev.dynsecret.testkit;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.LoggerFactory;

/** The logback side of {@link LogCapture}; only loaded when logback is the backend. */
final class LogbackCapture implements LogCapture {
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  /** Loggers whose level was raised, and their level before (null: inherited), to restore. */
  private final Map<Logger, Level> previousLevels = new LinkedHashMap<>();
  private final List<Logger> nonAdditive = new ArrayList<>();

  LogbackCapture(List<String> debugPackages) {
    appender.setName("dynsecret-log-capture");
    appender.start();
    root.addAppender(appender);
    // Debug and trace lines leak as surely as info ones: the code under test logs everything.
    // Other loggers keep their levels, so a test server's own debug output (which shows the
    // headers it received) is not produced.
    for (String name : debugPackages) {
      Logger logger = root.getLoggerContext().getLogger(name);
      previousLevels.put(logger, logger.getLevel());
      logger.setLevel(Level.TRACE); // the lowest level (ALL is deprecated)
    }
    for (Logger logger : root.getLoggerContext().getLoggerList()) {
      if (!logger.isAdditive()) { // its events never reach the root's appenders
        logger.addAppender(appender);
        nonAdditive.add(logger);
      }
    }
  }

  @Override
  public List<String> events() {
    List<ILoggingEvent> copy;
    synchronized (appender) { // AppenderBase appends under this lock
      copy = new ArrayList<>(appender.list);
    }
    List<String> rendered = new ArrayList<>(copy.size());
    for (ILoggingEvent event : copy) {
      StringBuilder text = new StringBuilder()
          .append(event.getLevel()).append(' ').append(event.getLoggerName()).append(": ")
          .append(event.getFormattedMessage());
      if (event.getArgumentArray() != null) {
        // An encoder may print arguments the message pattern does not use.
        text.append(" args=").append(Arrays.toString(event.getArgumentArray()));
      }
      if (event.getKeyValuePairs() != null && !event.getKeyValuePairs().isEmpty()) {
        text.append(" kv=").append(event.getKeyValuePairs());
      }
      if (!event.getMDCPropertyMap().isEmpty()) {
        text.append(" mdc=").append(event.getMDCPropertyMap());
      }
      if (event.getThrowableProxy() != null) {
        text.append('\n').append(ThrowableProxyUtil.asString(event.getThrowableProxy()));
      }
      rendered.add(text.toString());
    }
    return rendered;
  }

  @Override
  public void stop() {
    root.detachAppender(appender);
    nonAdditive.forEach(logger -> logger.detachAppender(appender));
    previousLevels.forEach(Logger::setLevel);
    appender.stop();
  }
}
