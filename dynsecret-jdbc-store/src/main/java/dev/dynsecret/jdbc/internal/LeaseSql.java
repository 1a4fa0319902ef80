package dev.dynsecret.jdbc.internal;

import dev.dynsecret.LeaseQuery;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The SQL the store runs, built once from the table names and the dialect. Only validated
 * identifiers are concatenated; every value is a bind parameter.
 */
public final class LeaseSql {
  /** Inserts every column of a lease. */
  public final String insert;
  /** The compare-and-set: every column but id, version + 1, where id and version match. */
  public final String update;
  /** One lease by id. */
  public final String find;
  /** The stored version of one lease, to tell a lost race from a missing lease. */
  public final String versionOf;
  /** Selects and locks due leases; see {@link Dialect#claimSelectSql}. */
  public final String claimSelect;
  /**
   * Hands back one lease of a claim whose commit went unanswered, if that claim took effect and
   * nothing changed the lease since. Parameters: due_at to restore, then id, version, claimed_by
   * and due_at (the claim's deadline) as that claim would have stored them.
   */
  public final String releaseClaim;
  /** Deletes old revoked leases, a limited number at a time. */
  public final String purge;
  /** Makes a dynamic secret's lock row (a duplicate key means it exists). */
  public final String makeSecretLock;
  /** Locks a dynamic secret's row until the transaction ends; returns it if it exists. */
  public final String lockSecret;
  private final Tables tables;
  private final Dialect dialect;

  /** The statements for the tables named by {@code tables}, in {@code dialect}. */
  public LeaseSql(Dialect dialect, Tables tables) {
    this.tables = tables;
    this.dialect = dialect;
    String leases = tables.leases();
    insert = "INSERT INTO " + leases + " (" + LeaseRows.INSERT_COLUMNS + ") VALUES ("
        + placeholders(18) + ")";
    update = "UPDATE " + leases + " SET " + LeaseRows.ASSIGNMENTS + ", version = version + 1"
        + " WHERE id = ? AND version = ?";
    find = "SELECT " + LeaseRows.COLUMNS + " FROM " + leases + " WHERE id = ?";
    versionOf = "SELECT version FROM " + leases + " WHERE id = ?";
    claimSelect = dialect.claimSelectSql(tables);
    releaseClaim = "UPDATE " + leases + " SET claimed_by = NULL, due_at = ?, version = version + 1"
        + " WHERE id = ? AND version = ? AND claimed_by = ? AND due_at = ?";
    purge = dialect.purgeSql(tables);
    makeSecretLock = dialect.makeSecretLockSql(tables);
    lockSecret = "SELECT secret_name FROM " + tables.secretLocks() + " WHERE secret_name = ?"
        + " FOR UPDATE";
  }

  /** Marks {@code count} selected leases claimed; see {@link Dialect#claimUpdateSql}. */
  public String claimUpdate(int count) {
    return dialect.claimUpdateSql(tables, count);
  }

  /**
   * A page query: parameters are the secret name (if filtered), the states (if filtered), the
   * cursor (if any), then the row limit.
   */
  public String query(LeaseQuery query) {
    List<String> conditions = new ArrayList<>();
    if (query.secretName() != null) {
      conditions.add("secret_name = ?");
    }
    if (!query.states().isEmpty()) {
      conditions.add("state IN (" + placeholders(query.states().size()) + ")");
    }
    if (query.afterId() != null) {
      conditions.add("id > ?");
    }
    return "SELECT " + LeaseRows.COLUMNS + " FROM " + tables.leases() + where(conditions)
        + " ORDER BY id " + dialect.limitClause();
  }

  /** A count of one secret's leases in any of {@code states} states: parameters are the name, then the states. */
  public String count(int states) {
    return "SELECT COUNT(*) FROM " + tables.leases() + " WHERE secret_name = ? AND state IN ("
        + placeholders(states) + ")";
  }

  private static String placeholders(int count) {
    return String.join(", ", Collections.nCopies(count, "?"));
  }

  private static String where(List<String> conditions) {
    return conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
  }
}
