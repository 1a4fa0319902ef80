package dev.dynsecret;

import dev.dynsecret.internal.BulkRevocation;
import dev.dynsecret.internal.Creation;
import dev.dynsecret.internal.CallWindow;
import dev.dynsecret.internal.DueWork;
import dev.dynsecret.internal.DueWorkRunner;
import dev.dynsecret.internal.EngineSettings;
import dev.dynsecret.internal.LeaseReads;
import dev.dynsecret.internal.Listeners;
import dev.dynsecret.internal.ManagedCredentials;
import dev.dynsecret.internal.OrphanSweep;
import dev.dynsecret.internal.ProviderRegistry;
import dev.dynsecret.internal.Reconciliation;
import dev.dynsecret.internal.Renewal;
import dev.dynsecret.internal.Revocation;
import dev.dynsecret.internal.ProviderSignals;
import dev.dynsecret.internal.SecretRegistry;
import dev.dynsecret.internal.Texts;
import dev.dynsecret.spi.DynamicSecretProvider;
import dev.dynsecret.spi.LeaseRecord;
import dev.dynsecret.spi.LeaseStore;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * The entry point: creates, renews and revokes leases of registered dynamic secrets, and expires
 * them in the background.
 *
 * <pre>{@code
 * try (LeaseManager leases = LeaseManager.builder().store(new MemoryLeaseStore()).build()) {
 *   leases.register(DynamicSecret.builder("orders-api")
 *       .provider("ibm-api-connect", config)
 *       .defaultTtl(Duration.ofHours(1)).maxTtl(Duration.ofHours(8)).build());
 *   leases.start();
 *   CreatedLease created = leases.create("orders-api");
 *   Secret clientSecret = created.secretData().get("CLIENT_SECRET");
 *   ...
 *   leases.revoke(created.lease().id());
 * }
 * }</pre>
 *
 * <p>A manager is safe to use from many threads. Several managers (one per application instance)
 * may share one {@link LeaseStore}: each due lease is revoked by exactly one of them. Every manager
 * must register the same dynamic secrets, since definitions are configuration and are not stored.
 *
 * <p>Every exception a manager throws is a {@link DynamicSecretException}; each method names the
 * subclasses it throws. Once {@link #close() closed}, every method but {@link #close()}, {@link
 * #nodeId()} and {@link #dueWorkWindow()} throws {@link ManagerClosedException}.
 */
public final class LeaseManager implements AutoCloseable {
  private final EngineSettings settings;
  private final SecretRegistry secrets;
  private final LeaseReads reads;
  private final Creation creation;
  private final Renewal renewal;
  private final Revocation revocation;
  private final BulkRevocation bulkRevocation;
  private final Reconciliation reconciliation;
  private final OrphanSweep orphanSweep;
  private final DueWork dueWork;
  private final ManagedCredentials managed;
  private final CallWindow window;
  private final DueWorkRunner runner;

  private LeaseManager(EngineSettings settings) {
    this.settings = settings;
    ProviderSignals signals = new ProviderSignals(settings.listeners());
    this.window = new CallWindow(settings);
    signals.observe(window); // a throttled provider narrows the window
    this.secrets = new SecretRegistry(settings.providers(), signals);
    this.reads = new LeaseReads(settings.store());
    this.creation = new Creation(settings, secrets);
    this.renewal = new Renewal(settings, secrets, reads);
    this.revocation = new Revocation(settings, secrets, reads);
    this.bulkRevocation = new BulkRevocation(secrets, reads, revocation);
    this.reconciliation = new Reconciliation(settings, secrets, reads, revocation);
    this.orphanSweep = new OrphanSweep(settings, secrets, reads);
    this.dueWork = new DueWork(settings, revocation, window);
    this.managed = new ManagedCredentials(settings, secrets, creation, renewal, revocation);
    this.runner = new DueWorkRunner(dueWork, orphanSweep, managed, window, settings);
  }

  private void requireOpen(String operation) {
    runner.requireOpen(operation);
  }

  private static <T> T required(@Nullable T value, String field) {
    if (value == null) {
      throw new InvalidRequestException(field, "is required");
    }
    return value;
  }

  /** {@return a builder; only {@link Builder#store} is required} */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return the id this manager claims due work under} */
  public String nodeId() {
    return settings.nodeId();
  }

  /**
   * The window of provider calls due work keeps in flight, as it is now: how many are in flight
   * and how many may be (the adaptive limit, and its ceiling {@link Builder#maxInFlight}). For
   * metrics; it reads no store and also answers once the manager is closed.
   *
   * @return a snapshot of the window
   */
  public DueWorkWindow dueWorkWindow() {
    return window.snapshot();
  }

  // ------------------------------------------------------------- dynamic secrets

  /**
   * Registers a dynamic secret. Its provider is looked up by type and checks the configuration;
   * the external system is not called (see {@link #verify}).
   *
   * @param secret the definition
   * @throws InvalidRequestException if no provider has the type or the configuration is invalid
   * @throws ConflictException if a secret of that name is registered already
   */
  public void register(DynamicSecret secret) {
    requireOpen("register");
    secrets.register(required(secret, "secret"));
  }

  /**
   * Replaces a registered dynamic secret's definition, for example to rotate its provider
   * credentials. Existing leases keep their expiry and hard limit.
   *
   * @param secret the definition
   * @throws NotFoundException if no secret of that name is registered
   */
  public void update(DynamicSecret secret) {
    requireOpen("update");
    secrets.update(required(secret, "secret"));
  }

  /**
   * Revokes every lease of the secret, then unregisters it.
   *
   * @param secretName the dynamic secret's name
   * @throws PartialRevocationException listing the leases that could not be revoked; the secret
   *     then stays registered so that the background retries can go on. Use {@link #forceRemove}
   *     to give up.
   */
  public void remove(String secretName) {
    requireOpen("remove");
    bulkRevocation.remove(secretName, false);
  }

  /**
   * Revokes every lease of the secret, marks those whose credential the provider could not delete
   * as revoked anyway (their history says so), then unregisters it.
   *
   * @param secretName the dynamic secret's name
   */
  public void forceRemove(String secretName) {
    requireOpen("forceRemove");
    bulkRevocation.remove(secretName, true);
  }

  /**
   * {@return the registered secret named {@code name}, if any}
   *
   * @param name the dynamic secret's name
   */
  public Optional<DynamicSecret> secret(String name) {
    requireOpen("secret");
    return secrets.definition(required(name, "name"));
  }

  /** {@return every registered secret} */
  public List<DynamicSecret> secrets() {
    requireOpen("secrets");
    return secrets.definitions();
  }

  /**
   * Checks the secret's configuration against the external system: reachable, credentials
   * accepted, target present, permissions sufficient.
   *
   * @param secretName the dynamic secret's name
   * @throws ProviderException whose message says which step failed
   */
  public void verify(String secretName) {
    requireOpen("verify");
    secrets.require(secretName).connection().verify();
  }

  // ------------------------------------------------------------- leases

  /**
   * Creates a lease with the secret's default TTL; see {@link #create(String, Duration)}.
   *
   * @param secretName the dynamic secret's name
   * @return the new lease and its secret data
   */
  public CreatedLease create(String secretName) {
    return create(secretName, null);
  }

  /**
   * Creates a lease: records it as pending, asks the provider for a credential, marks it active
   * and returns the secret data. This is the only time the secret data is available.
   *
   * @param ttl how long the lease lives, at most the secret's max TTL; null for the default
   * @param secretName the dynamic secret's name
   * @return the new lease and its secret data
   * @throws InvalidTtlException if the TTL is not positive or exceeds the max TTL
   * @throws LeaseLimitExceededException if the secret has as many leases as it allows
   * @throws NotFoundException if no secret of that name is registered
   * @throws ProviderException if the provider failed; a transient failure leaves the lease for
   *     reconciliation, which deletes any credential that was made
   */
  public CreatedLease create(String secretName, @Nullable Duration ttl) {
    requireOpen("create");
    return creation.create(secretName, ttl);
  }

  /**
   * {@return the lease with {@code leaseId}}
   *
   * @param leaseId the lease's id
   * @throws NotFoundException if there is none (it may have been purged)
   */
  public Lease get(String leaseId) {
    requireOpen("get");
    return reads.get(leaseId).toLease();
  }

  /**
   * {@return the lease with {@code leaseId}, if stored}
   *
   * @param leaseId the lease's id
   */
  public Optional<Lease> find(String leaseId) {
    requireOpen("find");
    return reads.find(leaseId).map(LeaseRecord::toLease);
  }

  /**
   * {@return a page of leases; follow {@link Page#nextCursor()} with {@link LeaseQuery#after}}
   *
   * @param query what to list, and from where
   */
  public Page<Lease> list(LeaseQuery query) {
    requireOpen("list");
    Page<LeaseRecord> page = reads.list(required(query, "query"));
    return new Page<>(page.items().stream().map(LeaseRecord::toLease).toList(), page.nextCursor());
  }

  /**
   * How many leases of a secret are in the given states, counted by the store without reading
   * the leases; for dashboards, health checks and metrics.
   *
   * @param secretName the dynamic secret (it need not be registered on this node)
   * @param states the states to count; empty for every state
   * @return the number of such leases in the store
   * @throws StoreException if the store is unavailable
   */
  public long countLeases(String secretName, Set<LeaseState> states) {
    requireOpen("countLeases");
    return reads.count(required(secretName, "secretName"), required(states, "states"));
  }

  /**
   * Renews with the secret's default TTL; see {@link #renew(String, Duration)}.
   *
   * @param leaseId the lease's id
   * @return the lease as now stored
   */
  public Lease renew(String leaseId) {
    return renew(leaseId, null);
  }

  /**
   * Sets the lease's expiry to now + {@code ttl}.
   *
   * @param ttl null for the secret's default TTL
   * @param leaseId the lease's id
   * @return the lease as now stored
   * @throws InvalidTtlException if the new expiry would pass the lease's hard limit ({@code
   *     createdAt + maxTtl}); the message says how much time can still be granted
   * @throws LeaseStateException if the lease has expired, is being revoked, or is revoked
   */
  public Lease renew(String leaseId, @Nullable Duration ttl) {
    requireOpen("renew");
    return renewal.renew(leaseId, ttl).toLease();
  }

  /**
   * Deletes the lease's credential and marks the lease {@link LeaseState#REVOKED}. Idempotent: a
   * revoked lease is returned as is without calling the provider, and a credential that is already
   * gone counts as deleted. A {@link LeaseState#REVOCATION_FAILED} lease is tried again.
   *
   * @param leaseId the lease's id
   * @return the lease; if another worker is revoking it right now, as that worker left it
   * @throws TransientProviderException if the provider failed; the lease records the failure and
   *     the revocation is retried in the background
   * @throws DefinitiveProviderException if the provider can never delete it; the lease is now
   *     {@link LeaseState#REVOCATION_FAILED}
   */
  public Lease revoke(String leaseId) {
    requireOpen("revoke");
    return revocation.revoke(leaseId, RevokeReason.MANUAL).toLease();
  }

  /**
   * Marks the lease revoked even if the provider cannot delete the credential. The provider is
   * still asked; if it fails, the lease's {@link Lease#lastError()} says the deletion was not
   * confirmed.
   *
   * @param leaseId the lease's id
   * @return the lease as now stored, {@link LeaseState#REVOKED}
   */
  public Lease forceRevoke(String leaseId) {
    requireOpen("forceRevoke");
    return revocation.forceRevoke(leaseId, RevokeReason.FORCED, null).toLease();
  }

  /**
   * Revokes every unfinished lease of a secret.
   *
   * @param secretName the dynamic secret's name
   * @return how many leases were revoked
   * @throws PartialRevocationException listing the leases that could not be revoked now (they
   *     are retried in the background)
   */
  public int revokeAll(String secretName) {
    requireOpen("revokeAll");
    return bulkRevocation.revokeAll(secretName);
  }

  /**
   * Keeps a credential of the secret valid for as long as the application needs it: creates its
   * first lease now (so a misconfiguration fails here), then renews it ahead of expiry and rotates
   * it before its hard limit, with an overlap, as {@code options} say. Renewals and rotations are
   * done by {@link #processDue()} and by background work once {@link #start() started}. Closing
   * this manager closes the credential.
   *
   * @param options e.g. {@code ManagedCredential.options().renewAt(0.66)}
   * @param secretName the dynamic secret's name
   * @return the managed credential; close it when the credential is no longer needed
   * @throws InvalidRequestException naming the option that breaks a rule against the secret (the
   *     TTL above its max TTL, an overlap not shorter than the time left at the renewal point)
   * @throws NotFoundException if no secret of that name is registered
   * @throws DynamicSecretException whatever creating the first lease throws
   */
  public ManagedCredential manage(String secretName, ManagedCredential.Options options) {
    requireOpen("manage");
    return new ManagedCredential(
        managed.start(required(secretName, "secretName"), required(options, "options").settings()));
  }

  // ------------------------------------------------------------- background work

  /**
   * Starts background work: every poll interval, due leases are claimed and worked (expired
   * leases revoked, failed revocations retried, abandoned creates reconciled), old history is
   * purged, and, if {@link Builder#orphanSweepInterval} is set, orphans are swept. A failure (the
   * store or the provider unavailable) is logged and the work tried again next time; it never
   * stops the background thread. Calling it twice does nothing.
   */
  public void start() {
    runner.start();
  }

  /**
   * Works every lease that is due now on the calling thread (and the worker threads), and every
   * renewal, rotation or overlap end of a {@link ManagedCredential} that is due, then returns.
   * {@link #start()} does this periodically; call it directly to drive the engine from your own
   * scheduler or from a test with a controlled clock.
   *
   * <p>If a store write fails during the pass, no further provider call is started: the leases
   * not yet worked, and outcomes the store did not take, are written when a later pass finds the
   * store answering, before it claims anything.
   *
   * @return how many due leases and managed-credential steps were worked
   * @throws StoreException if the store cannot be reached before anything is claimed
   */
  public int processDue() {
    return runner.processDueNow();
  }

  /**
   * Cleans up, now, the leases whose create never completed: every {@link LeaseState#PENDING}
   * lease whose creator's claim (the pending grace period) has lapsed is looked up by its
   * deterministic name at the provider, its credential deleted if there is one, and the lease
   * marked {@link LeaseState#REVOKED} ({@link RevokeReason#CREATE_FAILED}). Background work does
   * the same for each such lease when it falls due; call this after a restart, or from an
   * operator's tool, to do it at once. Creates still within the grace period are left alone.
   *
   * @return how many pending leases were found, cleaned up, left alone, or could not be cleaned up
   *     now (those are retried by background work)
   * @throws StoreException if the store is unavailable
   */
  public ReconciliationReport reconcile() {
    requireOpen("reconcile");
    return reconciliation.reconcile();
  }

  /**
   * Finds credentials the secret's provider made that no lease tracks, and deletes them. The
   * provider lists every credential carrying dynsecret's deterministic name ({@code
   * dynsecret-<lease id>}); one whose lease is missing (never stored, lost with a store, purged
   * from history) or {@link LeaseState#REVOKED} is an orphan. A credential whose lease is pending
   * or active is never touched, nor one without a lease whose lease id is younger than the pending
   * grace period.
   *
   * <p>Only run it where this manager's store is the only one managing the provider's target: a
   * second deployment with its own store, creating credentials on the same application, would see
   * the other's credentials as orphans.
   *
   * @param dryRun true to only report the orphans, false to delete them
   * @param secretName the dynamic secret's name
   * @return what was listed, found and deleted; {@link OrphanSweepReport#supported()} is false if
   *     the provider cannot list its credentials
   * @throws NotFoundException if no secret of that name is registered
   * @throws ProviderException if the provider could not list its credentials
   */
  public OrphanSweepReport sweepOrphans(String secretName, boolean dryRun) {
    requireOpen("sweepOrphans");
    return orphanSweep.sweep(secretName, dryRun);
  }

  /**
   * Deletes revoked leases whose history is older than the retention period. Background work
   * does this periodically.
   *
   * @return how many leases were deleted
   */
  public int purgeHistory() {
    requireOpen("purgeHistory");
    return dueWork.purgeHistory();
  }

  /**
   * Stops background work, waiting for the pass in progress (up to {@link Builder#closeTimeout}),
   * closes every {@link ManagedCredential} (revoking its leases unless told to leave them), and
   * releases provider resources. The store is left open: it belongs to the caller. Afterwards
   * every method throws {@link ManagerClosedException}; closing again does nothing.
   */
  @Override
  public void close() {
    runner.close();
    managed.closeAll();
    secrets.closeAll();
  }

  /** Configures a {@link LeaseManager}. */
  public static final class Builder {
    private @Nullable LeaseStore store;
    private final List<DynamicSecretProvider> providers = new ArrayList<>();
    private boolean discoverProviders = true;
    private final List<LeaseListener> listeners = new ArrayList<>();
    private final List<DynamicSecret> secrets = new ArrayList<>();
    private Clock clock = Clock.systemUTC();
    private @Nullable String nodeId;
    private Duration pollInterval = Duration.ofSeconds(5);
    private int maxInFlight = 64;
    private int claimBatchSize = 100;
    private Duration claimTimeout = Duration.ofMinutes(2);
    private RetryPolicy retryPolicy = RetryPolicy.DEFAULT;
    private Duration pendingGrace = Duration.ofMinutes(5);
    private Duration historyRetention = Duration.ofDays(7);
    private @Nullable Duration orphanSweepInterval;
    private @Nullable ThreadFactory threadFactory;
    private Duration closeTimeout = Duration.ofSeconds(30);
    private Duration maxClockSkew = Duration.ofSeconds(5);
    private boolean refuseWorkOnClockSkew;

    private Builder() {}

    /**
     * Where leases are kept. Required.
     *
     * @param store where leases are kept
     * @return this builder
     */
    public Builder store(LeaseStore store) {
      this.store = store;
      return this;
    }

    /**
     * Registers a provider explicitly; it wins over one of the same type found by ServiceLoader.
     *
     * @param provider the provider
     * @return this builder
     */
    public Builder provider(DynamicSecretProvider provider) {
      providers.add(required(provider, "provider"));
      return this;
    }

    /**
     * Whether to look providers up with {@link java.util.ServiceLoader}. Default true.
     *
     * @param discover whether to look providers up with {@link java.util.ServiceLoader}
     * @return this builder
     */
    public Builder discoverProviders(boolean discover) {
      this.discoverProviders = discover;
      return this;
    }

    /**
     * Adds a listener for lifecycle steps.
     *
     * @param listener the listener; called on the thread that did the step
     * @return this builder
     */
    public Builder listener(LeaseListener listener) {
      listeners.add(required(listener, "listener"));
      return this;
    }

    /**
     * A dynamic secret to register when the manager is built.
     *
     * @param secret the definition
     * @return this builder
     */
    public Builder secret(DynamicSecret secret) {
      secrets.add(required(secret, "secret"));
      return this;
    }

    /**
     * This node's clock. Default: the system clock in UTC. Decisions that several nodes must
     * agree on (what is due, when a claim lapses, expiry, how far a renewal reaches, retry
     * times) go by the store's clock, {@link LeaseStore#clock(Clock)}, which is derived from
     * this one: for the in-memory store it is this one; the JDBC store corrects it to the
     * database's time.
     *
     * @param clock this node's clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = required(clock, "clock");
      return this;
    }

    /**
     * The name this manager claims due work under; must differ between managers sharing a store.
     * Default (also when null): host name, process id and a random suffix.
     *
     * @param nodeId the name this manager claims due work under; must differ between managers
     *     sharing a store
     * @return this builder
     */
    public Builder nodeId(@Nullable String nodeId) {
      this.nodeId = nodeId;
      return this;
    }

    /**
     * How often background work looks for due leases. Default 5 s.
     *
     * @param interval how often background work looks for due leases
     * @return this builder
     */
    public Builder pollInterval(Duration interval) {
      this.pollInterval = interval;
      return this;
    }

    /**
     * The most provider calls due work keeps in flight (revoking expired leases, retrying
     * revocations, reconciling), 1 to 1024. Due leases are worked in a window of calls that is
     * refilled as calls finish; its limit starts at 4, doubles per round of calls answered at
     * their usual latency, and shrinks when the provider throttles, fails transiently or answers
     * much slower than its recent baseline; it never passes this ceiling. Each call in flight
     * holds a thread, made as needed and retired when idle; with 1, calls run on the polling
     * thread. Default 64, for a remote API whose calls mostly wait on the network.
     *
     * @param calls the ceiling of provider calls in flight
     * @return this builder
     */
    public Builder maxInFlight(int calls) {
      this.maxInFlight = calls;
      return this;
    }

    /**
     * The most due leases claimed per store round trip, 1 to 10,000. Claims run ahead of the
     * window of provider calls by at most one such chunk: its leases start as places free, and
     * one still waiting after a quarter of the claim timeout is handed back rather than started.
     * Default 100.
     *
     * @param leases the most leases claimed per round trip
     * @return this builder
     */
    public Builder claimBatchSize(int leases) {
      this.claimBatchSize = leases;
      return this;
    }

    /**
     * How long a claim on a due lease lasts; if the claiming node dies, another takes the lease
     * over after this. A call starts with at least three quarters of its claim left, so this must
     * exceed the longest provider call by a third. Default 2 min.
     *
     * @param timeout how long a claim on a due lease lasts; if the claiming node dies, another
     *     takes the lease over after this
     * @return this builder
     */
    public Builder claimTimeout(Duration timeout) {
      this.claimTimeout = timeout;
      return this;
    }

    /**
     * How failed revocations are retried. Default {@link RetryPolicy#DEFAULT}.
     *
     * @param policy how failed revocations are retried
     * @return this builder
     */
    public Builder retryPolicy(RetryPolicy policy) {
      this.retryPolicy = required(policy, "retryPolicy");
      return this;
    }

    /**
     * How long a lease may stay pending before reconciliation treats its creator as dead and
     * deletes any credential made for it. It must exceed the longest provider create. Default 5
     * min.
     *
     * @param grace how long a lease may stay pending before reconciliation treats its creator as
     *     dead and deletes any credential made for it
     * @return this builder
     */
    public Builder pendingGracePeriod(Duration grace) {
      this.pendingGrace = grace;
      return this;
    }

    /**
     * How long revoked leases stay readable as history before they are purged. Default 7 days.
     *
     * @param retention how long revoked leases stay readable as history before they are purged
     * @return this builder
     */
    public Builder historyRetention(Duration retention) {
      this.historyRetention = retention;
      return this;
    }

    /**
     * Makes background work also run {@link LeaseManager#sweepOrphans(String, boolean) the orphan
     * sweep} over every registered secret this often (secrets whose provider cannot list are
     * skipped). Off by default: listing costs calls to the external system, and the sweep must
     * only run where this store is the only one managing the provider's targets.
     *
     * @param interval how often, or null for never (the default)
     * @return this builder
     */
    public Builder orphanSweepInterval(@Nullable Duration interval) {
      this.orphanSweepInterval = interval;
      return this;
    }

    /**
     * Where background threads come from: the poll thread and the worker threads that make the
     * provider calls in flight (up to {@link #maxInFlight}) (for example a factory of virtual threads, or one that names threads to the host
     * application's conventions). Default: daemon threads named {@code dynsecret-…}.
     *
     * @param threadFactory the factory, or null for the default
     * @return this builder
     */
    public Builder threadFactory(@Nullable ThreadFactory threadFactory) {
      this.threadFactory = threadFactory;
      return this;
    }

    /**
     * How long {@link LeaseManager#close()} waits for due work in progress to finish before it
     * interrupts
     * it; leases still claimed then are taken over when their claims lapse. Default 30 s.
     *
     * @param timeout how long {@link LeaseManager#close()} waits for due work in progress to finish
     *     before it interrupts it; leases still claimed then are taken over when their claims lapse
     * @return this builder
     */
    public Builder closeTimeout(Duration timeout) {
      this.closeTimeout = timeout;
      return this;
    }

    /**
     * How far this node's clock may be from the store's clock before the manager warns (once,
     * and again only if the skew changes by as much again); see {@link #refuseWorkOnClockSkew}.
     * Default 5 s.
     *
     * @param skew how far this node's clock may be from the store's clock before the manager warns
     *     (once, and again only if the skew changes by as much again); see {@link
     *     #refuseWorkOnClockSkew}
     * @return this builder
     */
    public Builder maxClockSkew(Duration skew) {
      this.maxClockSkew = skew;
      return this;
    }

    /**
     * Whether background work stops while this node's clock is further from the store's clock
     * than {@link #maxClockSkew}, and resumes once it is back within. Default false: decisions go
     * by the store's clock either way, so a skewed node still decides correctly; set it where a
     * node whose time synchronisation failed should rather stand aside. {@link
     * LeaseManager#processDue()} and the other calls are not refused.
     *
     * @param refuse whether background work stops while this node's clock is further from the
     *     store's clock than {@link #maxClockSkew}, and resumes once it is back within
     * @return this builder
     */
    public Builder refuseWorkOnClockSkew(boolean refuse) {
      this.refuseWorkOnClockSkew = refuse;
      return this;
    }

    /**
     * Builds the manager and registers the secrets given to {@link #secret}. Background work
     * starts with {@link LeaseManager#start()}.
     *
     * @return the manager, not yet started
     * @throws InvalidRequestException naming the first setting that is missing or out of range
     */
    public LeaseManager build() {
      if (store == null) {
        throw new InvalidRequestException("store", "is required");
      }
      requirePositive("pollInterval", pollInterval);
      requirePositive("claimTimeout", claimTimeout);
      requirePositive("pendingGracePeriod", pendingGrace);
      requirePositive("historyRetention", historyRetention);
      requirePositive("closeTimeout", closeTimeout);
      requirePositive("maxClockSkew", maxClockSkew);
      if (orphanSweepInterval != null) {
        requirePositive("orphanSweepInterval", orphanSweepInterval);
      }
      if (maxInFlight < 1 || maxInFlight > 1024) {
        throw new InvalidRequestException("maxInFlight", "must be 1 to 1024; was " + maxInFlight);
      }
      if (claimBatchSize < 1 || claimBatchSize > 10_000) {
        throw new InvalidRequestException("claimBatchSize",
            "must be 1 to 10000; was " + claimBatchSize);
      }
      String node = nodeId == null ? defaultNodeId() : nodeId;
      if (node.isBlank() || node.length() > 128 || Texts.hasControlCharacter(node)) {
        throw new InvalidRequestException("nodeId",
            "must be 1 to 128 characters without control characters; was " + Texts.quoted(node));
      }
      ProviderRegistry registry = ProviderRegistry.create(
          providers, discoverProviders, Thread.currentThread().getContextClassLoader());
      Clock agreed = store.clock(clock);
      if (agreed == null) {
        throw new InvalidRequestException("store", "must give a clock; "
            + store.getClass().getName() + ".clock(Clock) returned null");
      }
      LeaseManager manager = new LeaseManager(new EngineSettings(store, registry,
          new Listeners(listeners), agreed, node, pollInterval, maxInFlight, claimBatchSize,
          claimTimeout, retryPolicy, pendingGrace, historyRetention, orphanSweepInterval,
          threadFactory, closeTimeout, clock, maxClockSkew, refuseWorkOnClockSkew));
      try {
        secrets.forEach(manager::register);
      } catch (RuntimeException e) {
        manager.close();
        throw e;
      }
      return manager;
    }

    private static void requirePositive(String field, @Nullable Duration value) {
      if (value == null || value.isZero() || value.isNegative()) {
        throw new InvalidRequestException(field, "must be a positive duration; was " + value);
      }
    }

    private static String defaultNodeId() {
      String host;
      try {
        host = InetAddress.getLocalHost().getHostName();
      } catch (Exception e) {
        host = "localhost";
      }
      return host + "-" + ProcessHandle.current().pid() + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 16));
    }
  }
}
