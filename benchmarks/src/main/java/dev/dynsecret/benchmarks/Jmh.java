package dev.dynsecret.benchmarks;

import java.io.File;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;

/**
 * Runs the JMH benchmarks from {@code exec:java}. JMH forks each trial into a fresh JVM with
 * {@code java.class.path} as its class path; under {@code exec:java} that property names Maven's
 * launcher, so it is set to the project's class path first.
 */
final class Jmh {
  /** Defaults for a run without arguments: one fork, short iterations (the machine is shared). */
  private static final String[] DEFAULTS = {"-f", "1", "-wi", "3", "-w", "1s", "-i", "5", "-r", "1s"};

  private Jmh() {}

  static void run(String[] args) throws Exception {
    List<String> path = new ArrayList<>();
    ClassLoader loader = Jmh.class.getClassLoader();
    for (ClassLoader l = loader; l != null; l = l.getParent()) {
      if (l instanceof URLClassLoader urls) {
        for (URL url : urls.getURLs()) {
          path.add(toPath(url));
        }
      }
    }
    if (!path.isEmpty()) {
      System.setProperty("java.class.path", String.join(File.pathSeparator, path));
    }
    String[] effective = args.length == 0 ? DEFAULTS : args;
    new Runner(new CommandLineOptions(effective)).run();
  }

  private static String toPath(URL url) throws URISyntaxException {
    return Path.of(url.toURI()).toString();
  }
}
