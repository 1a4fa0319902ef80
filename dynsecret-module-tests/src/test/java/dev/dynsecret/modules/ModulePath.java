package dev.dynsecret.modules;

import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The module path of the applications: the jars (or, inside the reactor before packaging, class
 * folders) that the test's own class path holds, each found by a class it contains, so the path
 * does not depend on file names or on the local repository's layout.
 */
final class ModulePath {
  private ModulePath() {}

  /** dynsecret's four published modules. */
  static final List<Class<?>> DYNSECRET = List.of(
      dev.dynsecret.LeaseManager.class,
      dev.dynsecret.memory.MemoryLeaseStore.class,
      dev.dynsecret.jdbc.JdbcLeaseStore.class,
      dev.dynsecret.apic.ApiConnectProvider.class);

  /**
   * JSpecify: dev.dynsecret {@code requires static transitive} it, so it must be there when an
   * application compiles, and need not be when it runs (the applications run without it).
   */
  static final Class<?> ANNOTATIONS = org.jspecify.annotations.Nullable.class;

  /** What dynsecret needs at run time, and what the applications use beside it. */
  static final List<Class<?>> LIBRARIES = List.of(
      org.slf4j.Logger.class,
      com.fasterxml.jackson.databind.ObjectMapper.class,
      com.fasterxml.jackson.core.JsonFactory.class,
      com.fasterxml.jackson.annotation.JsonProperty.class,
      org.h2.Driver.class,
      // An SLF4J provider, so the applications' log lines show (the engine logs which provider it
      // chose and how it found it).
      ch.qos.logback.classic.Logger.class,
      ch.qos.logback.core.Appender.class);

  /** Where {@code type} was loaded from: a jar or a class folder. */
  static Path locationOf(Class<?> type) {
    try {
      return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException("cannot locate " + type.getName(), e);
    }
  }

  /** The module path to compile an application against: dynsecret, its libraries, JSpecify. */
  static List<Path> forCompiling() {
    List<Path> entries = forRunning();
    entries.add(locationOf(ANNOTATIONS));
    return entries;
  }

  /** The module path to run an application: {@code app}, dynsecret and its libraries. */
  static List<Path> forRunning(Path... app) {
    List<Path> entries = new ArrayList<>(List.of(app));
    DYNSECRET.forEach(type -> entries.add(locationOf(type)));
    LIBRARIES.forEach(type -> entries.add(locationOf(type)));
    return entries;
  }

  /** {@code entries} as a {@code --module-path} argument. */
  static String argument(List<Path> entries) {
    return entries.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator));
  }
}
