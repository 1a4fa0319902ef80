package dev.dynsecret.examples.postgres;

import dev.dynsecret.InvalidRequestException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Role names and how they reach SQL. Identifiers cannot be bind parameters in PostgreSQL, so
 * every name that goes into a statement is first checked against a strict pattern and then
 * double-quoted: nothing from configuration is ever pasted into SQL as it came.
 */
final class RoleNames {
  /** PostgreSQL truncates identifiers longer than this many bytes. */
  static final int MAX_BYTES = 63;
  private static final String PREFIX = "dynsecret_";
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*");
  private static final Pattern LEASE_ID = Pattern.compile("[0-9a-z-]{1,53}");
  /** Names that mean something else in a GRANT, or that no role may have. */
  private static final Set<String> RESERVED =
      Set.of("public", "current_user", "current_role", "session_user", "none");

  private RoleNames() {}

  /**
   * The role of a lease: {@code dynsecret_} and the lease id without dashes (42 characters for
   * the engine's ids). Derived from the id alone, so revoke and find never need stored input.
   */
  static String forLease(String leaseId) {
    if (leaseId == null || !LEASE_ID.matcher(leaseId).matches()) {
      throw new InvalidRequestException("lease id",
          "must be 1-53 lowercase letters, digits and '-' to name a PostgreSQL role");
    }
    return PREFIX + leaseId.replace("-", "");
  }

  private static final Pattern LEASE_ROLE = Pattern.compile("dynsecret_([0-9a-f]{32})");

  /**
   * The lease id a role was named from, for roles named from the engine's UUID-shaped lease ids;
   * empty for any other role, which the orphan sweep must then leave alone.
   */
  static Optional<String> leaseIdOf(String role) {
    var match = LEASE_ROLE.matcher(role);
    if (!match.matches()) {
      return Optional.empty();
    }
    String hex = match.group(1);
    return Optional.of(hex.substring(0, 8) + "-" + hex.substring(8, 12) + "-" + hex.substring(12, 16)
        + "-" + hex.substring(16, 20) + "-" + hex.substring(20));
  }

  /**
   * Parses {@link PostgresKeys#GRANTS}: comma-separated role names, duplicates dropped.
   *
   * @throws InvalidRequestException naming {@code grants} and the offending entry
   */
  static List<String> parseGrants(String value) {
    if (value == null || value.isBlank()) {
      return List.of();
    }
    Set<String> names = new LinkedHashSet<>();
    String[] parts = value.split(",", -1);
    for (int i = 0; i < parts.length; i++) {
      String name = parts[i].strip();
      if (name.isEmpty()) {
        throw new InvalidRequestException(PostgresKeys.GRANTS,
            "must be role names separated by commas; entry " + (i + 1) + " is empty");
      }
      if (!IDENTIFIER.matcher(name).matches()
          || name.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
        // The entry is not echoed in full: it is not a role name, and might be anything.
        throw new InvalidRequestException(PostgresKeys.GRANTS, "entry " + (i + 1)
            + " is not a role name: use letters, digits, '_' and '$', not starting with a digit,"
            + " at most " + MAX_BYTES + " bytes");
      }
      if (RESERVED.contains(name.toLowerCase(Locale.ROOT))) {
        throw new InvalidRequestException(PostgresKeys.GRANTS,
            "entry " + (i + 1) + " ('" + name + "') is a reserved name, not a role");
      }
      names.add(name);
    }
    return new ArrayList<>(names);
  }

  /** A checked identifier, double-quoted for SQL. */
  static String quote(String identifier) {
    if (!IDENTIFIER.matcher(identifier).matches()) {
      throw new IllegalArgumentException("not a checked identifier");
    }
    return '"' + identifier + '"';
  }

  /** Checked identifiers, quoted and comma-separated. */
  static String quoteAll(List<String> identifiers) {
    List<String> quoted = new ArrayList<>(identifiers.size());
    identifiers.forEach(name -> quoted.add(quote(name)));
    return String.join(", ", quoted);
  }
}
