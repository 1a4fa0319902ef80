package dev.dynsecret.cli;

/** The process exit codes, one per kind of failure, so scripts can tell them apart. */
final class ExitCodes {
  /** Done. */
  static final int OK = 0;
  /** A bug or a failure no other code covers; the message says what happened. */
  static final int INTERNAL = 1;
  /** Bad usage (unknown option, bad duration) or a bad configuration file. */
  static final int USAGE = 2;
  /** The lease or dynamic secret named does not exist. */
  static final int NOT_FOUND = 3;
  /** The provider (IBM API Connect) failed or refused. */
  static final int PROVIDER = 4;
  /** The lease store (the database) is unavailable. */
  static final int STORE = 5;
  /** Refused by the lease's state or the secret's lease limit (e.g. renewing a revoked lease). */
  static final int REFUSED = 6;

  /** The {@code --help} footer that documents them. */
  static final String FOOTER = """

      Exit codes:
        0  done
        1  unexpected failure (a bug); the message says what happened
        2  bad usage, or a bad configuration file (file, line and key named)
        3  not found: no such lease or dynamic secret
        4  the provider failed, refused, or left a revocation pending
        5  the lease store is unavailable (database down, wrong URL or login)
        6  refused by the lease's state or the secret's lease limit""";

  private ExitCodes() {}
}
