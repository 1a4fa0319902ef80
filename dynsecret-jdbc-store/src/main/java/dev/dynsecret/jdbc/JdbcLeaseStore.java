package dev.dynsecret.jdbc;

import static dev.dynsecret.jdbc.internal.LeaseRows.micros;

import dev.dynsecret.ConflictException;
import dev.dynsecret.InvalidRequestException;
import dev.dynsecret.spi.LeaseRecord;
import dev.dynsecret.LeaseState;
import dev.dynsecret.NotFoundException;
import dev.dynsecret.StoreException;
import dev.dynsecret.jdbc.internal.DatabaseClock;
import dev.dynsecret.jdbc.internal.Dialect;
import dev.dynsecret.jdbc.internal.LeaseRows;
import dev.dynsecret.jdbc.internal.LeaseSql;
import dev.dynsecret.jdbc.internal.Schema;
import dev.dynsecret.jdbc.internal.Tables;
import dev.dynsecret.jdbc.internal.Transactions;
import dev.dynsecret.LeaseQuery;
import dev.dynsecret.spi.LeaseStore;
import dev.dynsecret.Page;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * A {@link LeaseStore} in a relational database reached through a {@link DataSource}: H2 for one
 * embedded application instance, PostgreSQL for several instances sharing their leases.
 *
 * <pre>{@code
 * LeaseStore store = JdbcLeaseStore.builder(dataSource)
 *     .tablePrefix("dynsecret_")
 *     .createSchema(true)
 *     .build();
 * }</pre>
 *
 * <p>Every method runs one short transaction on a connection it borrows from the data source and
 * closes before returning, so no transaction is ever open while a provider is called. Writes are
 * compare-and-set on the lease's version; {@link #claimDue} locks due rows with {@code SELECT ...
 * FOR UPDATE SKIP LOCKED}, so nodes claiming at once never wait for, nor claim, each other's
 * leases. Times are kept to the microsecond. The store holds no secret data: a {@link LeaseRecord} has
 * none, and its metadata is stored as JSON text.
 *
 * <p>Nodes sharing the database decide by the database's clock ({@link #clock(Clock)}), so that
 * clocks that disagree or jump cannot revoke a lease early or take over a claim too soon. Every
 * call is bounded by {@link Builder#queryTimeout} and {@link Builder#networkTimeout}.
 *
 * <p>The data source belongs to the caller: {@link #close()} leaves it open.
 */
public final class JdbcLeaseStore implements LeaseStore {
  /** The table prefix used when none is set. */
  public static final String DEFAULT_TABLE_PREFIX = "dynsecret_";
  /** The query time-out used when none is set, in seconds. */
  public static final int DEFAULT_QUERY_TIMEOUT_SECONDS = 30;
  /** The network time-out used when none is set, in seconds. */
  public static final int DEFAULT_NETWORK_TIMEOUT_SECONDS = 60;
  private static final Duration DEFAULT_QUERY_TIMEOUT =
      Duration.ofSeconds(DEFAULT_QUERY_TIMEOUT_SECONDS);
  private static final Duration DEFAULT_NETWORK_TIMEOUT =
      Duration.ofSeconds(DEFAULT_NETWORK_TIMEOUT_SECONDS);

  private final SqlDialect dialect;
  private final Tables tables;
  private final Dialect sqlDialect;
  private final Transactions transactions;
  private final LeaseSql sql;

  private final boolean databaseClock;
  /** Leases of claims whose commit went unanswered; see {@link #claimDue}. */
  private final Queue<InDoubtClaim> inDoubtClaims = new ConcurrentLinkedQueue<>();

  private JdbcLeaseStore(Dialect sqlDialect, Tables tables, Transactions transactions,
      boolean databaseClock) {
    this.dialect = sqlDialect.kind();
    this.tables = tables;
    this.sqlDialect = sqlDialect;
    this.transactions = transactions;
    this.sql = new LeaseSql(sqlDialect, tables);
    this.databaseClock = databaseClock;
  }

  /**
   * {@return a builder for a store on {@code dataSource}}
   *
   * @param dataSource where connections come from
   */
  public static Builder builder(DataSource dataSource) {
    return new Builder(dataSource);
  }

  /**
   * {@return the schema scripts for {@code dialect} with {@code tablePrefix} filled in: what {@link
   * Builder#createSchema(boolean) createSchema(true)} runs, for a DBA to review or run by hand}
   *
   * @param dialect the database's dialect
   * @param tablePrefix the prefix of the table names
   * @throws InvalidRequestException if the prefix breaks the identifier rule
   */
  public static String schemaSql(SqlDialect dialect, String tablePrefix) {
    Objects.requireNonNull(dialect, "dialect");
    Tables tables = new Tables(tablePrefix);
    return new Schema(Dialect.of(dialect), tables, null).fullScript();
  }

  /** {@return the database this store runs on} */
  public SqlDialect dialect() {
    return dialect;
  }

  /** {@return the prefix of the store's table names} */
  public String tablePrefix() {
    return tables.prefix();
  }

  // ---------------------------------------------------------------- LeaseStore

  /**
   * {@inheritDoc}
   *
   * <p>Here: {@code local} corrected to the database's clock (unless built with {@link
   * Builder#useDatabaseClock(boolean) useDatabaseClock(false)}), so that every node sharing the
   * database decides by the same time. The offset between the two is measured by reading the
   * database's current time, at the midpoint of the best of three round trips, when the clock is
   * first read; again every 30 s; and at once when {@code local} jumps (moves more than 1 s apart
   * from the monotonic {@link System#nanoTime()}). Meanwhile the clock serves {@code local +
   * offset}; after a jump that cannot be measured (the database is away) it carries the database's
   * time on by the monotonic clock, never by the jumped one. The time lease ids carry is taken
   * from this clock too.
   */
  @Override
  public Clock clock(Clock local) {
    Objects.requireNonNull(local, "local");
    return databaseClock ? DatabaseClock.correcting(local, this::databaseTime) : local;
  }

  /** The database's current time, as every node sharing it reads it. */
  Instant databaseTime() {
    return transactions.single(() -> "reading the database's time", connection -> {
      try (PreparedStatement now = connection.prepareStatement(sqlDialect.currentTimeSql());
          ResultSet rs = now.executeQuery()) {
        rs.next();
        return sqlDialect.currentTime(rs);
      }
    });
  }

  @Override
  public void insert(LeaseRecord lease) {
    Objects.requireNonNull(lease, "lease");
    LeaseRows.checkFits(lease);
    transactions.single(() -> "insert of lease " + lease.id(), connection -> {
      insert(connection, lease);
      return null;
    });
  }

  /**
   * {@inheritDoc}
   *
   * <p>One transaction: lock the dynamic secret's row in {@code secret_locks} ({@code SELECT ...
   * FOR UPDATE}, so creates of the same secret on every node take turns here), count its leases
   * in the counted states, insert the lease if there is room. Under {@code READ COMMITTED} the
   * count runs after the lock is granted, so it sees the lease the previous holder inserted. The
   * row is made on the first limited create of the secret; creates without a limit and other
   * secrets' creates never wait for it.
   */
  @Override
  public boolean insertWithinLimit(LeaseRecord lease, Set<LeaseState> counted, long limit) {
    Objects.requireNonNull(lease, "lease");
    Objects.requireNonNull(counted, "counted");
    if (limit < 1) {
      throw new InvalidRequestException("limit", "must be at least 1; was " + limit);
    }
    LeaseRows.checkFits(lease);
    for (int attempt = 0; ; attempt++) {
      Optional<Boolean> inserted = transactions.run(() -> "insert of lease " + lease.id()
          + " within the lease limit of '" + lease.secretName() + "'", connection -> {
        if (!lockSecret(connection, lease.secretName())) {
          return Optional.empty();
        }
        if (count(connection, lease.secretName(), counted) >= limit) {
          return Optional.of(false);
        }
        insert(connection, lease);
        return Optional.of(true);
      });
      if (inserted.isPresent()) {
        return inserted.get();
      }
      if (attempt > 0) {
        throw new StoreException("lease store: the lock row of dynamic secret '"
            + lease.secretName() + "' in " + tables.secretLocks() + " vanished as it was made;"
            + " is something deleting rows of that table?");
      }
      makeSecretLock(lease.secretName());
    }
  }

  /** Locks the secret's row until the transaction ends; false if it does not exist yet. */
  private boolean lockSecret(Connection connection, String secretName) throws SQLException {
    try (PreparedStatement lock = connection.prepareStatement(sql.lockSecret)) {
      lock.setString(1, secretName);
      try (ResultSet rs = lock.executeQuery()) {
        return rs.next();
      }
    }
  }

  /** Makes the secret's lock row, in a statement of its own; a node that made it first is fine. */
  private void makeSecretLock(String secretName) {
    transactions.single(() -> "making the lease limit lock of '" + secretName + "'", connection -> {
      try (PreparedStatement make = connection.prepareStatement(sql.makeSecretLock)) {
        make.setString(1, secretName);
        make.executeUpdate();
      } catch (SQLException e) {
        if (!Transactions.isDuplicateKey(e)) {
          throw e;
        }
      }
      return null;
    });
  }

  private void insert(Connection connection, LeaseRecord lease) throws SQLException {
    try (PreparedStatement insert = connection.prepareStatement(sql.insert)) {
      LeaseRows.bindInsert(sqlDialect, insert, lease);
      insert.executeUpdate();
    } catch (SQLException e) {
      if (Transactions.isDuplicateKey(e)) {
        throw Transactions.duplicate(lease.id());
      }
      throw e;
    }
  }

  @Override
  public Optional<LeaseRecord> find(String id) {
    Objects.requireNonNull(id, "id");
    return transactions.single(() -> "reading lease " + id, connection -> {
      try (PreparedStatement find = connection.prepareStatement(sql.find)) {
        find.setString(1, id);
        try (ResultSet rs = find.executeQuery()) {
          return rs.next() ? Optional.of(LeaseRows.read(sqlDialect, rs)) : Optional.empty();
        }
      }
    });
  }

  @Override
  public LeaseRecord update(LeaseRecord lease) {
    Objects.requireNonNull(lease, "lease");
    LeaseRows.checkFits(lease);
    LeaseRecord stored = LeaseRows.normalized(lease).toBuilder().version(lease.version() + 1).build();
    return transactions.single(() -> "update of lease " + lease.id(), connection -> {
      try (PreparedStatement update = connection.prepareStatement(sql.update)) {
        int next = LeaseRows.bindAssignments(sqlDialect, update, lease);
        update.setString(next, lease.id());
        update.setLong(next + 1, lease.version());
        if (update.executeUpdate() == 1) {
          return stored;
        }
      }
      throw whyNotUpdated(connection, lease);
    });
  }

  /** After a compare-and-set changed nothing: the lease is gone, or its version moved on. */
  private RuntimeException whyNotUpdated(Connection connection, LeaseRecord lease) throws SQLException {
    try (PreparedStatement versionOf = connection.prepareStatement(sql.versionOf)) {
      versionOf.setString(1, lease.id());
      try (ResultSet rs = versionOf.executeQuery()) {
        if (!rs.next()) {
          return new NotFoundException("no lease with id '" + lease.id() + "' is stored");
        }
        return new ConflictException("lease " + lease.id() + " was changed by someone else:"
            + " stored version " + rs.getLong(1) + ", expected " + lease.version());
      }
    }
  }

  @Override
  public Page<LeaseRecord> query(LeaseQuery query) {
    Objects.requireNonNull(query, "query");
    return transactions.single(() -> "listing leases", connection -> {
      try (PreparedStatement select = connection.prepareStatement(sql.query(query))) {
        int i = 1;
        if (query.secretName() != null) {
          select.setString(i++, query.secretName());
        }
        for (LeaseState state : query.states()) {
          select.setString(i++, state.name());
        }
        if (query.afterId() != null) {
          select.setString(i++, query.afterId());
        }
        // One row more than asked tells whether another page follows.
        select.setInt(i, query.limit() + 1);
        List<LeaseRecord> items = new ArrayList<>();
        boolean more = false;
        try (ResultSet rs = select.executeQuery()) {
          while (rs.next()) {
            if (items.size() == query.limit()) {
              more = true;
              break;
            }
            items.add(LeaseRows.read(sqlDialect, rs));
          }
        }
        return new Page<>(items, more ? items.get(items.size() - 1).id() : null);
      }
    });
  }

  /** How often a claim that deadlocked with another node's is tried before the error is thrown. */
  private static final int CLAIM_ATTEMPTS = 3;

  @Override
  public List<LeaseRecord> claimDue(String nodeId, Instant now, Duration claimTimeout, int limit) {
    if (nodeId == null || nodeId.isBlank() || nodeId.length() > 128) {
      throw new InvalidRequestException("nodeId", "must be 1 to 128 characters");
    }
    Objects.requireNonNull(now, "now");
    if (claimTimeout == null || claimTimeout.isZero() || claimTimeout.isNegative()) {
      throw new InvalidRequestException("claimTimeout", "must be a positive duration; was "
          + claimTimeout);
    }
    requirePositive("limit", limit);
    Instant at = micros(now);
    Instant deadline = micros(now.plus(claimTimeout));
    releaseInDoubtClaims();
    List<LeaseRecord> attempted = new ArrayList<>();
    try {
      for (int attempt = 1; ; attempt++) {
        try {
          return claim(nodeId, at, deadline, limit, attempted);
        } catch (StoreException e) {
          // Nodes claiming at once can deadlock on the due index (InnoDB says so, and PostgreSQL
          // can too); the database rolled the claim back, so it is simply tried again.
          if (attempt == CLAIM_ATTEMPTS || !Transactions.isDeadlock(e)) {
            throw e;
          }
          attempted.clear();
        }
      }
    } catch (RuntimeException failed) {
      // Rolled back, unless the commit reached the database and only its answer was lost: then
      // these leases are claimed by a node that does not know it. Hand them back once the
      // database answers (a compare-and-set on the claimed version, which finds nothing if the
      // claim was rolled back), rather than leave them until the claim lapses.
      for (LeaseRecord lease : attempted) {
        inDoubtClaims.add(new InDoubtClaim(lease, nodeId, deadline));
      }
      throw failed;
    }
  }

  /**
   * A lease of a claim that may have committed unseen: as it was before, and the claim's node
   * and deadline (which tell that claim from a later one by the same node).
   */
  private record InDoubtClaim(LeaseRecord before, String nodeId, Instant deadline) {}

  /** Hands back the leases of claims whose commit went unanswered; keeps them if this fails. */
  private void releaseInDoubtClaims() {
    InDoubtClaim next;
    while ((next = inDoubtClaims.peek()) != null) {
      InDoubtClaim claim = next;
      transactions.single(() -> "handing back lease " + claim.before().id()
          + " of a claim whose commit went unanswered", connection -> {
        try (PreparedStatement release = connection.prepareStatement(sql.releaseClaim)) {
          sqlDialect.setTime(release, 1, claim.before().dueAt());
          release.setString(2, claim.before().id());
          release.setLong(3, claim.before().version() + 1);
          release.setString(4, claim.nodeId());
          sqlDialect.setTime(release, 5, claim.deadline());
          release.executeUpdate();
        }
        return null;
      });
      inDoubtClaims.remove(claim);
    }
  }

  private List<LeaseRecord> claim(String nodeId, Instant at, Instant deadline, int limit,
      List<LeaseRecord> attempted) {
    return transactions.run(() -> "claiming due leases for " + nodeId, connection -> {
      sqlDialect.beforeClaim(connection, tables);
      List<LeaseRecord> due = new ArrayList<>();
      try (PreparedStatement select = connection.prepareStatement(sql.claimSelect)) {
        sqlDialect.bindClaimSelect(select, at, limit);
        try (ResultSet rs = select.executeQuery()) {
          while (rs.next()) {
            due.add(LeaseRows.read(sqlDialect, rs));
          }
        }
      }
      if (due.isEmpty()) {
        return List.of();
      }
      attempted.addAll(due);
      try (PreparedStatement claim = connection.prepareStatement(sql.claimUpdate(due.size()))) {
        claim.setString(1, nodeId);
        sqlDialect.setTime(claim, 2, deadline);
        sqlDialect.bindIds(connection, claim, 3, due.stream().map(LeaseRecord::id).toList());
        int claimed = claim.executeUpdate();
        if (claimed != due.size()) {
          // Cannot happen while the rows are locked; roll back rather than claim half a batch.
          throw new StoreException("lease store: claimed " + claimed + " of " + due.size()
              + " locked leases; rolled back");
        }
      }
      return due.stream()
          .map(l -> l.toBuilder().claimedBy(nodeId).dueAt(deadline).version(l.version() + 1).build())
          .toList();
    });
  }

  /** {@inheritDoc} An empty (or null) set of states counts nothing, without asking the database. */
  @Override
  public long count(String secretName, @Nullable Set<LeaseState> states) {
    if (secretName == null) {
      throw new InvalidRequestException("secretName", "is required");
    }
    if (states == null || states.isEmpty()) {
      return 0;
    }
    return transactions.single(() -> "counting leases of " + secretName,
        connection -> count(connection, secretName, states));
  }

  private long count(Connection connection, String secretName, Set<LeaseState> states)
      throws SQLException {
    if (states.isEmpty()) {
      return 0; // IN () is not SQL
    }
    try (PreparedStatement count = connection.prepareStatement(sql.count(states.size()))) {
      int i = 1;
      count.setString(i++, secretName);
      for (LeaseState state : states) {
        count.setString(i++, state.name());
      }
      try (ResultSet rs = count.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  @Override
  public int purgeRevokedBefore(Instant cutoff, int limit) {
    Objects.requireNonNull(cutoff, "cutoff");
    requirePositive("limit", limit);
    return transactions.single(() -> "purging revoked leases", connection -> {
      try (PreparedStatement purge = connection.prepareStatement(sql.purge)) {
        sqlDialect.setTime(purge, 1, cutoff);
        purge.setInt(2, limit);
        return purge.executeUpdate();
      }
    });
  }

  private static void requirePositive(String field, int value) {
    if (value < 1) {
      throw new InvalidRequestException(field, "must be positive; was " + value);
    }
  }

  /** Does nothing: the data source belongs to the caller, who closes it. */
  @Override
  public void close() {}

  @Override
  public String toString() {
    return "JdbcLeaseStore[" + dialect.productName() + ", table " + tables.leases() + "]";
  }

  /** Configures a {@link JdbcLeaseStore}; obtained from {@link JdbcLeaseStore#builder}. */
  public static final class Builder {
    private final DataSource dataSource;
    private String tablePrefix = DEFAULT_TABLE_PREFIX;
    private boolean createSchema;
    private @Nullable SqlDialect dialect;
    private boolean useDatabaseClock = true;
    private Duration queryTimeout = DEFAULT_QUERY_TIMEOUT;
    private Duration networkTimeout = DEFAULT_NETWORK_TIMEOUT;

    private Builder(DataSource dataSource) {
      this.dataSource = dataSource;
    }

    /**
     * The prefix of every table and index name the store uses. It must match {@code
     * [a-z][a-z0-9_]{0,30}}: it is written into SQL text, so that rule is what keeps it safe.
     * Default {@value JdbcLeaseStore#DEFAULT_TABLE_PREFIX}.
     *
     * @param prefix the prefix of every table and index name the store uses
     * @return this builder
     */
    public Builder tablePrefix(String prefix) {
      this.tablePrefix = prefix;
      return this;
    }

    /**
     * Whether {@link #build()} creates the schema when it is missing, or upgrades an older one.
     * Default false: the schema must exist, and a missing one is an error saying how to create it.
     *
     * @param create whether {@link #build()} creates the schema when it is missing, or upgrades an
     *     older one
     * @return this builder
     */
    public Builder createSchema(boolean create) {
      this.createSchema = create;
      return this;
    }

    /**
     * Whether lease decisions go by the database's clock (default true): every node's clock is
     * corrected to the database's, see {@link JdbcLeaseStore#clock(Clock)}. Set false only where
     * the nodes decide by their own clocks on purpose: tests that drive time with a controlled
     * clock, or nodes whose clocks are kept in step otherwise (then a node whose clock is off
     * revokes leases early, or late, by as much).
     *
     * @param use whether lease decisions go by the database's clock (default true): every node's
     *     clock is corrected to the database's, see {@link JdbcLeaseStore#clock(Clock)}
     * @return this builder
     */
    public Builder useDatabaseClock(boolean use) {
      this.useDatabaseClock = use;
      return this;
    }

    /**
     * How long one statement may run before the database is asked to cancel it ({@link
     * java.sql.Statement#setQueryTimeout}, whole seconds, rounded up): a bound on lock waits and
     * slow queries. Zero leaves the driver's setting (usually none). Default {@value
     * #DEFAULT_QUERY_TIMEOUT_SECONDS} s.
     *
     * <p>The PostgreSQL driver cancels over a new connection and, if the network drops packets,
     * waits up to its {@code cancelSignalTimeout} (10 s by default) for that too before the
     * statement ends; keep this time-out at or above {@link #networkTimeout} less that, or lower
     * {@code cancelSignalTimeout}, so that a dead network is ended by the network time-out.
     *
     * @param timeout how long one statement may run before the database is asked to cancel it
     *     ({@link java.sql.Statement#setQueryTimeout}, whole seconds, rounded up): a bound on lock
     *     waits and slow queries
     * @return this builder
     */
    public Builder queryTimeout(Duration timeout) {
      this.queryTimeout = nonNegative("queryTimeout", timeout);
      return this;
    }

    /**
     * How long the driver waits for any answer from the database on a borrowed connection before
     * it gives up and the call fails with {@code StoreException} ({@link
     * Connection#setNetworkTimeout}; restored when the connection is returned). This is what
     * bounds a call when the database is unreachable and packets are dropped rather than refused,
     * where cancelling a statement cannot get through either. Keep it above {@link #queryTimeout}.
     * Zero leaves the driver's setting (for the PostgreSQL driver, {@code socketTimeout}: none by
     * default). Drivers without a network (H2 embedded) ignore it. Default {@value
     * #DEFAULT_NETWORK_TIMEOUT_SECONDS} s.
     *
     * <p>Getting a connection is bounded by the data source, not by the store: set the pool's
     * connection time-out (HikariCP {@code connectionTimeout}, default 30 s) and the driver's
     * connect and login time-outs (PostgreSQL {@code connectTimeout}, {@code loginTimeout}).
     *
     * @param timeout how long the driver waits for any answer from the database on a borrowed
     *     connection before it gives up and the call fails with {@code StoreException} ({@link
     *     Connection#setNetworkTimeout}; restored when the connection is returned)
     * @return this builder
     */
    public Builder networkTimeout(Duration timeout) {
      this.networkTimeout = nonNegative("networkTimeout", timeout);
      return this;
    }

    private static Duration nonNegative(String field, Duration value) {
      if (value == null || value.isNegative()) {
        throw new InvalidRequestException(field, "must be zero or a positive duration; was "
            + value);
      }
      return value;
    }

    /**
     * The database, instead of detecting it from the driver's product name.
     *
     * @param dialect the database's dialect
     * @return this builder
     */
    public Builder dialect(SqlDialect dialect) {
      this.dialect = Objects.requireNonNull(dialect, "dialect");
      return this;
    }

    /**
     * Builds the store: detects the database (unless set), then checks the schema version,
     * creating the schema first if {@link #createSchema} is set. Reads a row or two, never the
     * leases.
     *
     * @return the store, ready to use
     * @throws InvalidRequestException if the data source is missing, the prefix breaks its rule,
     *     or the database is not one of {@link SqlDialect}
     * @throws StoreException if the database cannot be reached, or the schema is missing, at an
     *     unknown newer version, or not dynsecret's; the message says what to do
     */
    public JdbcLeaseStore build() {
      if (dataSource == null) {
        throw new InvalidRequestException("dataSource", "is required");
      }
      Tables tables = new Tables(tablePrefix);
      Dialect chosen = Dialect.of(dialect != null ? dialect : detect(dataSource));
      Transactions transactions =
          new Transactions(dataSource, chosen, queryTimeout, networkTimeout);
      JdbcLeaseStore store = new JdbcLeaseStore(chosen, tables, transactions, useDatabaseClock);
      new Schema(store.sqlDialect, tables, transactions).ensure(createSchema);
      return store;
    }

    private static SqlDialect detect(DataSource dataSource) {
      String product;
      @Nullable String version;
      try (Connection connection = dataSource.getConnection()) {
        product = connection.getMetaData().getDatabaseProductName();
        version = connection.getMetaData().getDatabaseProductVersion();
      } catch (SQLException e) {
        throw Transactions.translate("detecting the database", e);
      }
      // MySQL Connector/J reports a MariaDB server as "MySQL"; its version says what it is
      // ("10.11.6-MariaDB..."), and the schema scripts differ (a collation name).
      if ("MySQL".equalsIgnoreCase(product) && version != null && version.contains("MariaDB")) {
        return SqlDialect.MARIADB;
      }
      return SqlDialect.forProductName(product).orElseThrow(() -> new InvalidRequestException(
          "dataSource", "must be a supported database (" + SqlDialect.supportedProducts()
              + "); its driver reports '" + product + "'. If it is compatible with one of them,"
              + " set dialect(...) explicitly"));
    }
  }
}
