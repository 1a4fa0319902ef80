package dev.dynsecret.benchmarks;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The end-to-end scenarios behind {@code docs/benchmarks.md}. Run:
 *
 * <pre>
 * ./mvnw -q -pl benchmarks -am compile exec:java -Dexec.args="--quick"     # smoke run, a few min
 * ./mvnw -q -pl benchmarks -am compile exec:java -Dexec.args="--full"      # published figures
 * ./mvnw -q -pl benchmarks -am compile exec:java -Dexec.args="--full --only=2,3"
 * ./mvnw -q -pl benchmarks -am compile exec:java -Dexec.args="--jmh"       # JMH, forked
 * </pre>
 *
 * Each figure ends with result rows (aim, measured, verdict, all from the same run); the table of
 * every row is printed at the end. Plots go to {@code docs/images} in a full run and to
 * {@code benchmarks/target/plots} in a quick one ({@code --plots=DIR} chooses). Nothing here
 * asserts a time.
 */
public final class Scenarios {
  private Scenarios() {}

  /** Sizes of one run: quick for a smoke run, full for the published figures. */
  record Mode(boolean full) {
    int pick(int quick, int fullValue) {
      return full ? fullValue : quick;
    }
  }

  public static void main(String[] args) throws Exception {
    // The engine logs each lifecycle step at INFO; a benchmark measures the work, not the console.
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    if (args.length > 0 && args[0].equals("--jmh")) {
      Jmh.run(java.util.Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    boolean full = false;
    Set<Integer> only = new LinkedHashSet<>(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10));
    String plots = null;
    for (String arg : args) {
      if (arg.equals("--full")) {
        full = true;
      } else if (arg.equals("--quick")) {
        full = false;
      } else if (arg.startsWith("--plots=")) {
        plots = arg.substring(8);
      } else if (arg.startsWith("--only=")) {
        only.clear();
        for (String n : arg.substring(7).split(",")) {
          only.add(Integer.parseInt(n.strip()));
        }
      } else {
        throw new IllegalArgumentException("unknown argument " + arg
            + "; use --quick | --full [--only=1,2,...] [--plots=DIR]");
      }
    }
    Mode mode = new Mode(full);
    plotDir = plots != null ? Path.of(plots)
        : full ? root().resolve("docs/images") : root().resolve("benchmarks/target/plots");
    printMachine(mode, args);
    List<Row> lines = new ArrayList<>();
    Postgres postgres = null;
    try {
      for (int figure : only) {
        long started = System.nanoTime();
        say("--- figure " + figure + "  (load average " + loadAverage() + ")");
        switch (figure) {
          case 1 -> lines.addAll(ApicFigures.requestsPerLease(mode));
          case 2 -> lines.addAll(ApicFigures.overhead(mode));
          case 3 -> lines.addAll(ApicFigures.throughput(mode));
          case 4 -> {
            lines.addAll(ExpiryFigures.memoryScaling(mode));
            postgres = postgres == null ? new Postgres() : postgres;
            lines.addAll(ExpiryFigures.postgresScaling(mode, postgres));
            ExpiryFigures.plotScaling();
          }
          case 5 -> {
            postgres = postgres == null ? new Postgres() : postgres;
            lines.addAll(ExpiryFigures.multiNode(mode, postgres));
            // The same scenario on MariaDB, after PostgreSQL in the same JVM (already warm), where
            // the machine has a MariaDB server (apt-get install mariadb-server).
            if (MariaDb.installed()) {
              try (MariaDb mariadb = new MariaDb()) {
                lines.addAll(ExpiryFigures.multiNode(mode, mariadb));
              }
            } else {
              say("figure 5: no MariaDB server on this machine; PostgreSQL only");
            }
          }
          case 6 -> {
            lines.addAll(FootprintFigures.memoryStore(mode));
            postgres = postgres == null ? new Postgres() : postgres;
            lines.addAll(FootprintFigures.jdbcEngine(mode, postgres));
          }
          case 7 -> lines.addAll(DrainFigures.drainRate(mode));
          case 8 -> lines.addAll(DrainFigures.rateLimited(mode));
          case 9 -> {
            postgres = postgres == null ? new Postgres() : postgres;
            lines.addAll(DrainFigures.lateness(mode, postgres));
          }
          case 10 -> lines.addAll(FaultFigures.createUnderFaults(mode));
          default -> throw new IllegalArgumentException("no figure " + figure);
        }
        say(String.format("--- figure %d done in %.1f s  (load average %s)", figure,
            (System.nanoTime() - started) / 1e9, loadAverage()));
      }
    } finally {
      if (postgres != null) {
        postgres.close();
      }
    }
    System.out.println();
    System.out.println("## Results");
    System.out.println(Row.header());
    lines.forEach(System.out::println);
    System.exit(0); // the HTTP client and pool threads are daemons, but exec:java waits for others
  }

  private static void printMachine(Mode mode, String[] args) {
    OperatingSystemMXBean os =
        (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    say("date       " + ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_INSTANT));
    say("mode       " + (mode.full() ? "full" : "quick") + " " + String.join(" ", args));
    say("cpus       " + Runtime.getRuntime().availableProcessors());
    say("memory     " + os.getTotalMemorySize() / (1 << 20) + " MiB physical, max heap "
        + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB");
    say("java       " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
    say("load       " + loadAverage() + " (1, 5, 15 min)");
    say("gc         " + ManagementFactory.getGarbageCollectorMXBeans().stream()
        .map(b -> b.getName()).toList());
  }

  private static Path plotDir;

  /** Writes a figure's chart into the plot folder. */
  static void plot(String name, Svg chart) {
    Path file = plotDir.resolve(name);
    chart.write(file);
    say("plot written: " + file);
  }

  /** The project's root: the working folder, or its parent when run from inside benchmarks/. */
  private static Path root() {
    Path here = Path.of("").toAbsolutePath();
    return Files.isDirectory(here.resolve("benchmarks")) ? here : here.getParent();
  }

  /** The 1, 5 and 15 minute load averages, as {@code uptime} shows them. */
  static String loadAverage() {
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return parts[0] + " " + parts[1] + " " + parts[2];
    } catch (java.io.IOException | RuntimeException e) {
      return String.format("%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
  }

  static void say(String line) {
    System.out.println("bench> " + line);
  }
}
