package dev.dynsecret.cli;

import java.util.Set;

/** A secret name on the command line that the configuration file does not define. */
final class NotDefinedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  NotDefinedException(String name, Set<String> defined) {
    super("no dynamic secret '" + Texts.shown(name) + "' is defined in the configuration file; "
        + (defined.isEmpty() ? "it defines none (add one under 'secrets:')"
            : "it defines " + String.join(", ", defined)), null, false, false);
  }
}
