package dev.dynsecret.modules;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.StandardLocation;
import javax.tools.ToolProvider;

/** Compiles an application module from {@code src/test/resources/apps/<name>} with the JDK's javac. */
final class Javac {
  private Javac() {}

  /** What javac said; {@code output} holds the classes when it succeeded. */
  record Result(boolean success, List<Diagnostic<? extends JavaFileObject>> errors, String log,
      Path output) {
    /** The errors, one line each, for assertion messages. */
    String describe() {
      StringBuilder text = new StringBuilder();
      errors.forEach(d -> text.append(d.getCode()).append(": ")
          .append(d.getMessage(Locale.ROOT)).append('\n'));
      return text + log;
    }
  }

  /**
   * Copies the application's sources to {@code work/src} and compiles them into {@code work/out}
   * against {@code modulePath}.
   */
  static Result compile(String app, List<Path> modulePath, Path work) throws IOException {
    Path sources = copy(app, work.resolve("src"));
    Path output = Files.createDirectories(work.resolve("out"));
    List<Path> files;
    try (Stream<Path> walk = Files.walk(sources)) {
      files = walk.filter(p -> p.toString().endsWith(".java")).toList();
    }
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    StringWriter log = new StringWriter();
    try (StandardJavaFileManager fileManager =
        compiler.getStandardFileManager(diagnostics, Locale.ROOT, null)) {
      // In process, javac's class path would default to this JVM's, which holds dynsecret's
      // classes too: the application must see the module path and nothing else.
      fileManager.setLocationFromPaths(StandardLocation.CLASS_PATH, List.of());
      List<String> options = List.of(
          "--release", "17",
          "--module-path", ModulePath.argument(modulePath),
          "-d", output.toString(),
          "-proc:none",
          "-Xlint:all");
      boolean success = compiler.getTask(log, fileManager, diagnostics, options, null,
          fileManager.getJavaFileObjectsFromPaths(files)).call();
      List<Diagnostic<? extends JavaFileObject>> errors = diagnostics.getDiagnostics().stream()
          .filter(d -> d.getKind() == Diagnostic.Kind.ERROR).toList();
      return new Result(success, errors, log.toString(), output);
    }
  }

  private static Path copy(String app, Path target) throws IOException {
    Path source;
    try {
      source = Path.of(Javac.class.getResource("/apps/" + app).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    try (Stream<Path> walk = Files.walk(source)) {
      walk.forEach(from -> {
        Path to = target.resolve(source.relativize(from).toString());
        try {
          if (Files.isDirectory(from)) {
            Files.createDirectories(to);
          } else {
            Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
    return target;
  }
}
