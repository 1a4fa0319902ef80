package dev.dynsecret.jdbc.internal;

import dev.dynsecret.InvalidRequestException;
import java.util.regex.Pattern;

/**
 * The store's table and index names, all starting with one prefix. The prefix is written into SQL
 * text (identifiers cannot be bind parameters), so the strict pattern checked here is what keeps
 * it from ever carrying SQL.
 *
 * @param prefix lowercase letter first, then lowercase letters, digits or {@code _}; 1 to 31
 *     characters, so that every derived name fits PostgreSQL's 63-character identifiers
 */
public record Tables(String prefix) {
  /** The rule a table prefix must follow. */
  public static final Pattern PREFIX = Pattern.compile("[a-z][a-z0-9_]{0,30}");

  /** Checks the prefix against {@link #PREFIX}; the error names the {@code tablePrefix} field. */
  public Tables {
    if (prefix == null || !PREFIX.matcher(prefix).matches()) {
      throw new InvalidRequestException("tablePrefix", "must match " + PREFIX.pattern()
          + " (a lowercase letter, then up to 30 lowercase letters, digits or '_'); was "
          + (prefix == null ? "null" : "'" + prefix + "'"));
    }
  }

  /** The lease table. */
  public String leases() {
    return prefix + "leases";
  }

  /** The table recording which schema versions are installed. */
  public String schemaVersion() {
    return prefix + "schema_version";
  }

  /** One row per dynamic secret with a lease limit, locked while a create counts and inserts. */
  public String secretLocks() {
    return prefix + "secret_locks";
  }

  /** The index that claiming due work scans. */
  public String dueIndex() {
    return prefix + "leases_due_idx";
  }

  /** Fills the {@code ${prefix}} placeholders of a schema script. */
  public String substitute(String script) {
    return script.replace("${prefix}", prefix);
  }
}
