package dev.dynsecret.cli;

import dev.dynsecret.Lease;
import dev.dynsecret.LeaseState;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** What every subcommand of {@code dynsecret} shares: the root's options and the output. */
abstract class Subcommand implements Callable<Integer> {
  @ParentCommand
  DynsecretCommand root;

  @Spec
  CommandSpec spec;

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  Instant now() {
    return root.environment.clock().instant();
  }

  /** The state as an operator reads it: a revoking or run-out active lease says so. */
  String shownState(Lease lease) {
    if (lease.revocationPending()) {
      return "ACTIVE (revoking)";
    }
    if (lease.state() == LeaseState.ACTIVE && !lease.expiresAt().isAfter(now())) {
      return "ACTIVE (expired)";
    }
    return lease.state().name();
  }

  /** {@code in 9m58s}, {@code 3m ago}, or {@code -} for a finished lease. */
  String expiresIn(Lease lease) {
    if (lease.state() == LeaseState.REVOKED) {
      return "-";
    }
    return Durations.relative(Duration.between(now(), lease.expiresAt()));
  }

  String hardLimit(Lease lease) {
    if (lease.state() == LeaseState.REVOKED) {
      return "-";
    }
    return Durations.relative(Duration.between(now(), lease.hardLimitAt()));
  }

  /** A lease's one-line summary after a change. */
  String summary(Lease lease) {
    return lease.id() + "  " + lease.secretName() + "  " + shownState(lease)
        + (lease.state() == LeaseState.REVOKED ? "" : "  expires " + time(lease.expiresAt())
            + " (" + expiresIn(lease) + "), hard limit " + time(lease.hardLimitAt()));
  }

  /** To the second: an operator reads it; --json keeps the full precision. */
  static String time(Instant instant) {
    return instant.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
  }
}
