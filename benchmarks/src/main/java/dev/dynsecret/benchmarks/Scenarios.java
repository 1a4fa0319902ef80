package dev.dynsecret.benchmarks;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
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
 * mvn -q -pl benchmarks -am compile exec:java -Dexec.args="--quick"        # smoke run, ~1-2 min
 * mvn -q -pl benchmarks -am compile exec:java -Dexec.args="--full"         # published figures
 * mvn -q -pl benchmarks -am compile exec:java -Dexec.args="--full --only=2,3"
 * mvn -q -pl benchmarks -am compile exec:java -Dexec.args="--jmh"                # JMH, forked
 * </pre>
 *
 * Each figure prints one or more result lines as it finishes; every comparison is measured in the
 * same run. Nothing here asserts a time.
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
    Set<Integer> only = new LinkedHashSet<>(List.of(1, 2, 3, 4, 5, 6));
    for (String arg : args) {
      if (arg.equals("--full")) {
        full = true;
      } else if (arg.equals("--quick")) {
        full = false;
      } else if (arg.startsWith("--only=")) {
        only.clear();
        for (String n : arg.substring(7).split(",")) {
          only.add(Integer.parseInt(n.strip()));
        }
      } else {
        throw new IllegalArgumentException("unknown argument " + arg
            + "; use --quick | --full [--only=1,2,...]");
      }
    }
    Mode mode = new Mode(full);
    printMachine(mode, args);
    List<String> lines = new ArrayList<>();
    Postgres postgres = null;
    try {
      for (int figure : only) {
        long started = System.nanoTime();
        say("--- figure " + figure);
        switch (figure) {
          case 1 -> lines.addAll(ApicFigures.requestsPerLease(mode));
          case 2 -> lines.addAll(ApicFigures.overhead(mode));
          case 3 -> lines.addAll(ApicFigures.throughput(mode));
          case 4 -> {
            lines.addAll(ExpiryFigures.memoryScaling(mode));
            postgres = postgres == null ? new Postgres() : postgres;
            lines.addAll(ExpiryFigures.postgresScaling(mode, postgres));
          }
          case 5 -> {
            postgres = postgres == null ? new Postgres() : postgres;
            lines.addAll(ExpiryFigures.multiNode(mode, postgres));
            // The same scenario on MariaDB, after PostgreSQL in the same JVM (already warm).
            try (MariaDb mariadb = new MariaDb()) {
              lines.addAll(ExpiryFigures.multiNode(mode, mariadb));
            }
          }
          case 6 -> {
            lines.addAll(FootprintFigures.memoryStore(mode));
            postgres = postgres == null ? new Postgres() : postgres;
            lines.addAll(FootprintFigures.jdbcEngine(mode, postgres));
          }
          default -> throw new IllegalArgumentException("no figure " + figure);
        }
        say(String.format("--- figure %d done in %.1f s", figure, (System.nanoTime() - started) / 1e9));
      }
    } finally {
      if (postgres != null) {
        postgres.close();
      }
    }
    System.out.println();
    System.out.println("## Results");
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
    say("gc         " + ManagementFactory.getGarbageCollectorMXBeans().stream()
        .map(b -> b.getName()).toList());
  }

  static void say(String line) {
    System.out.println("bench> " + line);
  }
}
