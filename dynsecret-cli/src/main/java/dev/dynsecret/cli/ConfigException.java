package dev.dynsecret.cli;

/**
 * A configuration file (or option) that cannot be used, naming where and what to fix. Its message
 * never holds a configured value that might be secret.
 */
final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  ConfigException(String message) {
    super(message, null, false, false);
  }

  /** {@code dynsecret.yaml line 12, secrets.orders-api.defaultTtl: <rule>}. */
  static ConfigException at(String file, int line, String key, String rule) {
    return new ConfigException(file + (line > 0 ? " line " + line : "") + ", " + key + ": " + rule);
  }
}
