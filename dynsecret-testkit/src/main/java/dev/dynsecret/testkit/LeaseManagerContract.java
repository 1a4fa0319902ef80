package dev.dynsecret.testkit;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynsecret.ConflictException;
import dev.dynsecret.CreatedLease;
import dev.dynsecret.DefinitiveProviderException;
import dev.dynsecret.DynamicSecret;
import dev.dynsecret.DynamicSecretException;
import dev.dynsecret.InvalidRequestException;
import dev.dynsecret.InvalidTtlException;
import dev.dynsecret.Lease;
import dev.dynsecret.LeaseLimitExceededException;
import dev.dynsecret.LeaseListener;
import dev.dynsecret.LeaseManager;
import dev.dynsecret.LeaseState;
import dev.dynsecret.LeaseStateException;
import dev.dynsecret.NotFoundException;
import dev.dynsecret.OrphanSweepReport;
import dev.dynsecret.ReconciliationReport;
import dev.dynsecret.RetryPolicy;
import dev.dynsecret.RevokeReason;
import dev.dynsecret.Secret;
import dev.dynsecret.StoreException;
import dev.dynsecret.TransientProviderException;
import dev.dynsecret.LeaseQuery;
import dev.dynsecret.spi.LeaseRecord;
import dev.dynsecret.spi.LeaseStore;
import dev.dynsecret.ListedCredential;
import dev.dynsecret.Page;
import dev.dynsecret.ProviderConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The lease engine's behaviour, as {@code docs/lease-lifecycle.md} describes it, checked end to
 * end over a real {@link LeaseStore}. Every store runs it: extend this class and supply {@link
 * #newStore()}. Time comes from a {@link TestClock}; nothing sleeps.
 */
public abstract class LeaseManagerContract {

  /** For subclasses: each test class that checks an engine set-up extends this contract. */
  protected LeaseManagerContract() {}

  /** Retries with no jitter, so the schedule can be checked to the millisecond. */
  protected static final RetryPolicy EXACT_RETRIES =
      new RetryPolicy(4, Duration.ofSeconds(1), Duration.ofMinutes(1), 2.0, 0.0);

  /** The dynamic secret most tests use. */
  protected static final String SECRET = "orders-api";

  /** The clock every manager of the test runs on. */
  protected TestClock clock;
  /** The provider every manager of the test uses. */
  protected RecordingProvider provider;
  /** What the managers' listener heard. */
  protected RecordingListener events;
  /** The store under test, shared by every manager of the test. */
  protected LeaseStore store;
  /** The manager most tests use. */
  protected LeaseManager manager;
  private final List<LeaseManager> extraManagers = new ArrayList<>();

  /** {@return a fresh, empty store; each test gets its own} */
  protected abstract LeaseStore newStore();

  @BeforeEach
  void setUpManager() {
    clock = TestClock.standard();
    provider = new RecordingProvider();
    events = new RecordingListener();
    store = newStore();
    manager = newManager("node-a");
    manager.register(definition(SECRET).build());
  }

  @AfterEach
  void tearDownManager() {
    manager.close();
    extraManagers.forEach(LeaseManager::close);
    store.close();
  }

  /**
   * {@return a manager on the shared store, clock and provider; closed after the test}
   *
   * @param nodeId the manager's node id
   */
  protected LeaseManager newManager(String nodeId) {
    LeaseManager built = builder(nodeId).build();
    if (manager != null) {
      extraManagers.add(built);
    }
    return built;
  }

  /**
   * A builder on the shared store, clock, provider and listener, with {@link #EXACT_RETRIES}.
   *
   * @param nodeId the manager's node id
   * @return the builder
   */
  protected LeaseManager.Builder builder(String nodeId) {
    return LeaseManager.builder()
        .store(store)
        .provider(provider)
        .discoverProviders(false)
        .clock(clock)
        .nodeId(nodeId)
        .maxInFlight(4)
        .retryPolicy(EXACT_RETRIES)
        .listener(events);
  }

  /**
   * A definition of a secret served by {@link #provider}.
   *
   * @param name the dynamic secret's name
   * @return the definition's builder
   */
  protected static DynamicSecret.Builder definition(String name) {
    return DynamicSecret.builder(name)
        .provider(RecordingProvider.TYPE, ProviderConfig.empty())
        .defaultTtl(Duration.ofMinutes(10))
        .maxTtl(Duration.ofHours(1));
  }

  private Instant now() {
    return clock.instant();
  }

  @Nested
  class Creating {
    @Test
    void createsAnActiveLeaseWithTheDefaultTtlAndHandsOutTheSecretOnce() {
      CreatedLease created = manager.create(SECRET);

      Lease lease = created.lease();
      assertAll(
          () -> assertEquals(LeaseState.ACTIVE, lease.state()),
          () -> assertEquals(now().plus(Duration.ofMinutes(10)), lease.expiresAt()),
          () -> assertEquals(now().plus(Duration.ofHours(1)), lease.hardLimitAt()),
          () -> assertNotNull(lease.externalId()),
          () -> assertTrue(provider.isLive(lease.id())),
          () -> assertEquals(Set.of("CLIENT_ID", "CLIENT_SECRET"), created.secretData().keys()),
          () -> assertEquals(lease, manager.get(lease.id())));
      assertEquals(List.of("created " + lease.id()), events.steps());
    }

    @Test
    void recordsTheLeaseAsPendingBeforeTheProviderIsCalled() {
      List<LeaseState> statesSeenByProvider = new CopyOnWriteArrayList<>();
      provider.onCreate(lease -> statesSeenByProvider.add(store.find(lease.id()).orElseThrow().state()));

      manager.create(SECRET);

      assertEquals(List.of(LeaseState.PENDING), statesSeenByProvider);
    }

    @Test
    void usesTheRequestedTtl() {
      Lease lease = manager.create(SECRET, Duration.ofMinutes(30)).lease();

      assertEquals(now().plus(Duration.ofMinutes(30)), lease.expiresAt());
    }

    @Test
    void rejectsAZeroTtl() {
      InvalidTtlException e =
          assertThrows(InvalidTtlException.class, () -> manager.create(SECRET, Duration.ZERO));

      assertEquals("ttl", e.field());
      assertTrue(e.getMessage().contains("must be positive"), e.getMessage());
      assertEquals(0, provider.createCalls());
    }

    @Test
    void rejectsANegativeTtl() {
      InvalidTtlException e = assertThrows(InvalidTtlException.class,
          () -> manager.create(SECRET, Duration.ofSeconds(-5)));

      assertTrue(e.getMessage().contains("must be positive; was -5s"), e.getMessage());
    }

    @Test
    void rejectsATtlAboveTheMaxTtlAndStatesTheLimit() {
      InvalidTtlException e = assertThrows(InvalidTtlException.class,
          () -> manager.create(SECRET, Duration.ofMinutes(61)));

      assertTrue(e.getMessage().contains("must not exceed the max TTL 1h"), e.getMessage());
      assertTrue(e.getMessage().contains("was 1h1m"), e.getMessage());
      assertEquals(0, provider.createCalls());
      assertTrue(manager.list(LeaseQuery.all(10)).items().isEmpty(), "nothing stored");
    }

    @Test
    void rejectsADefinitionWhoseDefaultTtlExceedsItsMaxTtl() {
      InvalidTtlException e = assertThrows(InvalidTtlException.class,
          () -> definition("too-long").defaultTtl(Duration.ofHours(2)).maxTtl(Duration.ofHours(1)).build());

      assertEquals("defaultTtl", e.field());
      assertTrue(e.getMessage().contains("must not exceed maxTtl 1h; was 2h"), e.getMessage());
    }

    @Test
    void refusesCreatesBeyondTheLeaseLimit() {
      manager.register(definition("limited").leaseLimit(2).build());
      manager.create("limited");
      String second = manager.create("limited").lease().id();

      LeaseLimitExceededException e =
          assertThrows(LeaseLimitExceededException.class, () -> manager.create("limited"));
      assertTrue(e.getMessage().contains("has reached its lease limit of 2"), e.getMessage());

      manager.revoke(second);
      assertEquals(LeaseState.ACTIVE, manager.create("limited").lease().state(), "room again");
    }

    /**
     * Three nodes sharing the store, four threads each, all creating at once under a limit of 25:
     * exactly 25 leases exist afterwards, and no credential was made for a refused create.
     */
    @Test
    void nodesCreatingAtOnceNeverPassTheLeaseLimitTogether() {
      int limit = 25;
      List<LeaseManager> nodes = new ArrayList<>(List.of(manager, newManager("node-b"),
          newManager("node-c")));
      for (LeaseManager node : nodes) {
        node.register(definition("limited").leaseLimit(limit).build());
      }
      List<Callable<int[]>> creators = new ArrayList<>();
      for (int t = 0; t < 12; t++) {
        LeaseManager node = nodes.get(t % nodes.size());
        creators.add(() -> {
          int[] createdAndRefused = new int[2];
          for (int i = 0; i < 10; i++) {
            try {
              node.create("limited");
              createdAndRefused[0]++;
            } catch (LeaseLimitExceededException e) {
              createdAndRefused[1]++;
            }
          }
          return createdAndRefused;
        });
      }

      List<int[]> results = ManyNodes.atOnce(creators);

      int created = results.stream().mapToInt(r -> r[0]).sum();
      int refused = results.stream().mapToInt(r -> r[1]).sum();
      assertEquals(limit, created, "creates that succeeded");
      assertEquals(120 - limit, refused, "creates refused");
      assertEquals(limit, store.count("limited", EnumSet.of(LeaseState.ACTIVE)), "active leases");
      assertEquals(limit, store.count("limited", EnumSet.allOf(LeaseState.class)), "leases stored");
      assertEquals(limit, provider.createCalls(), "credentials the provider was asked for");
    }

    @Test
    void rejectsAnUnknownSecret() {
      NotFoundException e = assertThrows(NotFoundException.class, () -> manager.create("nope"));

      assertTrue(e.getMessage().contains("'nope'"), e.getMessage());
    }

    @Test
    void aDefinitiveCreateFailureClosesTheLeaseAtOnce() {
      provider.failNextCreates(1, () -> new DefinitiveProviderException("403 forbidden"));

      DefinitiveProviderException e =
          assertThrows(DefinitiveProviderException.class, () -> manager.create(SECRET));

      Lease lease = onlyLease();
      assertTrue(e.getMessage().contains(lease.id()) && e.getMessage().contains("403 forbidden"));
      assertEquals(LeaseState.REVOKED, lease.state());
      assertEquals(RevokeReason.CREATE_FAILED, lease.revokeReason());
      assertTrue(lease.lastError().contains("403 forbidden"));
    }

    @Test
    void aTransientCreateFailureLeavesTheLeaseForReconciliationWhichDeletesAnyCredential() {
      // The provider made the credential but the answer was lost: the worst case.
      provider.loseNextCreateAnswers(1);

      TransientProviderException e =
          assertThrows(TransientProviderException.class, () -> manager.create(SECRET));
      assertTrue(e.getMessage().contains("will be deleted by reconciliation"), e.getMessage());
      Lease pending = onlyLease();
      assertEquals(LeaseState.PENDING, pending.state());
      assertEquals(1, provider.liveCredentials().size());

      assertEquals(1, manager.processDue());

      Lease reconciled = manager.get(pending.id());
      assertEquals(LeaseState.REVOKED, reconciled.state());
      assertEquals(RevokeReason.CREATE_FAILED, reconciled.revokeReason());
      assertTrue(provider.findCalls() >= 1);
      assertEquals(Set.of(), provider.liveCredentials());
      assertEquals(List.of("reconciled " + pending.id()), events.steps());
    }

    @Test
    void aLeaseLeftPendingByADeadNodeIsReconciledAfterTheGracePeriod() {
      // Simulate a node that recorded the lease, had the credential made, then died.
      LeaseManager doomed = builder("node-dead").build();
      doomed.register(definition(SECRET).build());
      provider.onCreate(lease -> {
        throw new Error("process killed");
      });
      assertThrows(Error.class, () -> doomed.create(SECRET));
      doomed.close();
      provider.onCreate(lease -> {});
      Lease pending = onlyLease();

      assertEquals(0, manager.processDue(), "the dead node's claim still runs");
      clock.advance(Duration.ofMinutes(5));
      assertEquals(1, manager.processDue());

      assertEquals(LeaseState.REVOKED, manager.get(pending.id()).state());
      assertEquals(Set.of(), provider.liveCredentials(), "no credential left that no lease tracks");
    }

    @Test
    void ifTheLeaseCannotBeMarkedActiveTheCredentialIsRevokedAtOnce() {
      // Every write of an active lease fails, as if the database went away after the create.
      LeaseManager fragile = managerOver(new ForwardingStore(store) {
        @Override
        public LeaseRecord update(LeaseRecord lease) {
          if (lease.state() == LeaseState.ACTIVE) {
            throw new StoreException("connection refused");
          }
          return super.update(lease);
        }
      });

      StoreException e = assertThrows(StoreException.class, () -> fragile.create(SECRET));

      assertTrue(e.getMessage().contains("its credential was revoked"), e.getMessage());
      assertEquals(Set.of(), provider.liveCredentials());
    }

    @Test
    void ifMarkingActiveTakesEffectButItsAnswerIsLostTheCredentialIsRevokedAndTheLeaseClosed() {
      LeaseStore losingActivation = new ForwardingStore(store) {
        @Override
        public LeaseRecord update(LeaseRecord lease) {
          LeaseRecord stored = super.update(lease);
          if (lease.state() == LeaseState.ACTIVE && lease.revokeReason() == null) {
            throw new StoreException("connection lost after the commit (simulated)");
          }
          return stored;
        }
      };
      LeaseManager fragile = managerOver(losingActivation);

      StoreException e = assertThrows(StoreException.class, () -> fragile.create(SECRET));

      assertTrue(e.getMessage().contains("its credential was revoked"), e.getMessage());
      assertEquals(Set.of(), provider.liveCredentials());
      Lease closed = onlyLease();
      assertEquals(LeaseState.REVOKED, closed.state(), "no active lease without a credential");
      assertEquals(RevokeReason.CREATE_FAILED, closed.revokeReason());
    }
  }

  @Nested
  class Reconciling {
    @Test
    void reconcileCleansUpAbandonedCreatesAtOnceAndLeavesCreatesInFlightAlone() {
      Lease active = manager.create(SECRET).lease();
      provider.loseNextCreateAnswers(2);
      assertThrows(TransientProviderException.class, () -> manager.create(SECRET));
      assertThrows(TransientProviderException.class, () -> manager.create(SECRET));
      String inFlight = createAndDie();
      assertEquals(4, provider.liveCredentials().size());

      ReconciliationReport first = manager.reconcile();

      assertEquals(new ReconciliationReport(3, 2, 1, 0), first);
      assertEquals(Set.of("dynsecret-" + active.id(), "dynsecret-" + inFlight),
          provider.liveCredentials(), "the dead node's create is still within its grace period");
      assertEquals(2, events.count("reconciled"));

      clock.advance(Duration.ofMinutes(5));
      assertEquals(new ReconciliationReport(1, 1, 0, 0), manager.reconcile());

      assertEquals(Set.of("dynsecret-" + active.id()), provider.liveCredentials());
      assertEquals(LeaseState.REVOKED, manager.get(inFlight).state());
      assertEquals(RevokeReason.CREATE_FAILED, manager.get(inFlight).revokeReason());
      assertEquals(new ReconciliationReport(0, 0, 0, 0), manager.reconcile(), "nothing left");
    }

    @Test
    void aCleanUpThatFailsIsReportedAndDoneOnALaterPass() {
      provider.loseNextCreateAnswers(1);
      assertThrows(TransientProviderException.class, () -> manager.create(SECRET));
      provider.failNextRevokes(1, () -> new TransientProviderException("503 (simulated)"));

      assertEquals(new ReconciliationReport(1, 0, 0, 1), manager.reconcile());
      Lease pending = onlyLease();
      assertEquals(LeaseState.PENDING, pending.state());
      assertTrue(pending.lastError().contains("503"), pending.lastError());
      assertEquals(1, provider.liveCredentials().size());

      assertEquals(new ReconciliationReport(1, 1, 0, 0), manager.reconcile());
      assertEquals(Set.of(), provider.liveCredentials());
    }

    @Test
    void theOrphanSweepReportsOnADryRunThenDeletesOnlyCredentialsNoLeaseTracks() {
      Lease active = manager.create(SECRET).lease();
      provider.loseNextCreateAnswers(1);
      assertThrows(TransientProviderException.class, () -> manager.create(SECRET));
      String pending = onlyLeaseIn(LeaseState.PENDING).id();
      Lease forced = manager.create(SECRET).lease();
      provider.failAllRevokes(() -> new DefinitiveProviderException("403 (simulated)"));
      manager.forceRevoke(forced.id()); // revoked in the store; the credential is still there
      provider.failAllRevokes(null);
      String lost = leaseIdMadeAt(now().minus(Duration.ofHours(2)));
      String lostExternalId = provider.plantCredential(lost); // its lease was lost or purged
      String young = leaseIdMadeAt(now());
      provider.plantCredential(young);
      String undated = UUID.randomUUID().toString();
      provider.plantCredential(undated);

      OrphanSweepReport dryRun = manager.sweepOrphans(SECRET, true);

      assertTrue(dryRun.supported() && dryRun.dryRun());
      assertEquals(6, dryRun.listed());
      assertEquals(2, dryRun.tracked(), "active and pending leases' credentials");
      assertEquals(1, dryRun.tooYoung());
      assertEquals(1, dryRun.undated());
      assertEquals(Set.of(forced.id(), lost), leaseIds(dryRun.orphans()));
      assertTrue(dryRun.orphans().contains(
          new ListedCredential(lost, lostExternalId, "dynsecret-" + lost)));
      assertEquals(0, dryRun.deleted());
      assertEquals(6, provider.liveCredentials().size(), "a dry run deletes nothing");

      OrphanSweepReport swept = manager.sweepOrphans(SECRET, false);

      assertEquals(2, swept.deleted());
      assertEquals(0, swept.failed());
      assertEquals(Set.of(active.id(), pending, young, undated), liveLeaseIds());
      assertEquals(2, events.count("orphanDeleted"));
      assertEquals(LeaseState.ACTIVE, manager.get(active.id()).state(), "leases are not touched");
    }

    @Test
    void theSweepReportsActiveLeasesWhoseCredentialWasDeletedOutsideTheLibrary() {
      Lease gone = manager.create(SECRET, Duration.ofHours(1)).lease();
      Lease kept = manager.create(SECRET, Duration.ofHours(1)).lease();
      Lease beingRevoked = manager.create(SECRET, Duration.ofHours(1)).lease();
      clock.advance(Duration.ofMinutes(6)); // past the 5-minute pending grace period
      Lease young = manager.create(SECRET, Duration.ofHours(1)).lease();
      assertTrue(provider.deleteBehindTheLibrarysBack(gone.id()));
      assertTrue(provider.deleteBehindTheLibrarysBack(young.id()));
      // A revocation another node has under way: its credential is gone by the library's hand.
      LeaseRecord held = store.find(beingRevoked.id()).orElseThrow();
      store.update(held.toBuilder().revokeReason(RevokeReason.MANUAL).claimedBy("node-x")
          .dueAt(now().plus(Duration.ofMinutes(5))).build());
      assertTrue(provider.deleteBehindTheLibrarysBack(beingRevoked.id()));

      OrphanSweepReport report = manager.sweepOrphans(SECRET, true);

      assertEquals(List.of(gone.id()), report.vanished(),
          "only the old enough, active, not-being-revoked lease without its credential");
      assertEquals(LeaseState.ACTIVE, manager.get(gone.id()).state(), "reported, not changed");
      assertEquals(LeaseState.REVOKED, manager.revoke(gone.id()).state(),
          "revoking it still works: the delete finds nothing");
      assertTrue(provider.isLive(kept.id()));
      assertEquals(List.of(), manager.sweepOrphans(SECRET, true).vanished());
    }

    @Test
    void anOrphanWhoseDeletionFailsIsReportedAndDeletedNextTime() {
      String lost = leaseIdMadeAt(now().minus(Duration.ofHours(2)));
      provider.plantCredential(lost);
      provider.failNextRevokes(1, () -> new TransientProviderException("503 (simulated)"));

      OrphanSweepReport failed = manager.sweepOrphans(SECRET, false);

      assertEquals(1, failed.failed());
      assertTrue(failed.message().contains("503"), failed.message());
      assertEquals(1, manager.sweepOrphans(SECRET, false).deleted());
      assertEquals(Set.of(), provider.liveCredentials());
    }

    @Test
    void aProviderThatCannotListIsReportedNotSwept() {
      provider.plantCredential(leaseIdMadeAt(now().minus(Duration.ofHours(2))));
      provider.supportListing(false);

      OrphanSweepReport report = manager.sweepOrphans(SECRET, false);

      assertFalse(report.supported());
      assertTrue(report.message().contains("cannot list"), report.message());
      assertEquals(1, provider.liveCredentials().size());
      assertThrows(NotFoundException.class, () -> manager.sweepOrphans("nope", true));
    }

    @Test
    void backgroundWorkSweepsOrphansWhenConfiguredTo() throws Exception {
      CountDownLatch swept = new CountDownLatch(1);
      LeaseManager sweeping = builder("node-sweep").pollInterval(Duration.ofMillis(20))
          .orphanSweepInterval(Duration.ofMinutes(10))
          .listener(new LeaseListener() {
            @Override
            public void orphanDeleted(String secretName, ListedCredential credential) {
              swept.countDown();
            }
          }).build();
      extraManagers.add(sweeping);
      sweeping.register(definition(SECRET).build());
      String lost = leaseIdMadeAt(now().minus(Duration.ofHours(2)));
      provider.plantCredential(lost);

      sweeping.start();

      assertTrue(swept.await(30, TimeUnit.SECONDS), "background work did not sweep the orphan");
      assertFalse(provider.isLive(lost));
    }

    @Test
    void theSweepIntervalMustBePositive() {
      InvalidRequestException e = assertThrows(InvalidRequestException.class,
          () -> builder("node-x").orphanSweepInterval(Duration.ZERO).build());

      assertEquals("orphanSweepInterval", e.field());
    }

    /** A node records a lease, has the credential made, and dies before marking it active. */
    private String createAndDie() {
      LeaseManager doomed = builder("node-dead").build();
      doomed.register(definition(SECRET).build());
      provider.onCreate(lease -> {
        throw new Error("process killed (simulated)");
      });
      try {
        assertThrows(Error.class, () -> doomed.create(SECRET));
      } finally {
        provider.onCreate(lease -> {});
        doomed.close();
      }
      return leasesIn(LeaseState.PENDING).stream()
          .filter(l -> "node-dead".equals(l.claimedBy())).findFirst().orElseThrow().id();
    }
  }

  @Nested
  class SurvivingStoreOutages {
    private static final int SHORT_LIVED = 60;
    private static final int LONG_LIVED = 10;

    @Test
    void aFlakyStoreDelaysCreatesAndDueWorkButLosesNothing() {
      List<String> longLived = new ArrayList<>();
      for (int i = 0; i < LONG_LIVED; i++) {
        longLived.add(manager.create(SECRET, Duration.ofHours(1)).lease().id());
      }
      FlakyLeaseStore flaky = new FlakyLeaseStore(store, 42).failShare(0.3).loseAnswers(true);
      LeaseManager shaky = builder("node-shaky").store(flaky).claimTimeout(Duration.ofMinutes(1))
          .pendingGracePeriod(Duration.ofMinutes(2)).build();
      extraManagers.add(shaky);
      shaky.register(definition(SECRET).build());
      int created = 0;
      int failedCreates = 0;
      for (int i = 0; i < SHORT_LIVED; i++) {
        try {
          shaky.create(SECRET, Duration.ofMinutes(1));
          created++;
        } catch (DynamicSecretException e) {
          failedCreates++;
        }
      }
      int escaped = 0;
      for (int round = 0; round < 30; round++) {
        flaky.down(round >= 10 && round < 15); // a full outage in the middle
        clock.advance(Duration.ofSeconds(30));
        try {
          shaky.processDue();
        } catch (StoreException e) {
          escaped++; // on demand, the caller hears of the outage; nothing is lost
        }
      }
      flaky.failShare(0).down(false);
      // Until every short-lived lease is revoked (bounded): a lease claimed in the last outage
      // round is worked once its claim lapses, which can take a round with nothing to do.
      for (int round = 0; round < 10; round++) {
        int worked = shaky.processDue() + shaky.reconcile().examined();
        boolean settled = leasesIn(null).stream()
            .allMatch(l -> longLived.contains(l.id()) || l.state() == LeaseState.REVOKED);
        if (worked == 0 && settled) {
          break;
        }
        clock.advance(Duration.ofMinutes(1));
      }

      System.out.printf("flaky store: %d creates ok, %d failed; %d of %d store calls failed;"
          + " %d processDue calls reported the outage%n", created, failedCreates, flaky.failures(),
          flaky.calls(), escaped);
      assertTrue(failedCreates > 0 && flaky.failures() > 0, "the store never failed");
      for (LeaseRecord lease : leasesIn(null)) {
        boolean isLong = longLived.contains(lease.id());
        assertEquals(isLong ? LeaseState.ACTIVE : LeaseState.REVOKED, lease.state(), lease.toString());
      }
      assertEquals(Set.copyOf(longLived), liveLeaseIds(), "credentials of exactly the active leases");
    }

    @Test
    void aRevocationWhoseFinalWriteLosesItsAnswerIsStillReportedToTheCallerAndListeners() {
      String id = manager.create(SECRET).lease().id();
      LeaseManager fragile = managerOver(losingOneAnswer(LeaseState.REVOKED, true));

      Lease revoked = fragile.revoke(id);

      assertEquals(LeaseState.REVOKED, revoked.state());
      assertEquals(RevokeReason.MANUAL, revoked.revokeReason());
      assertEquals(revoked, manager.get(id), "what the caller got is what is stored");
      assertTrue(events.steps().contains("revoked " + id), events.steps().toString());
      assertEquals(1, provider.revokeCalls(id));
    }

    @Test
    void anExpiryWhoseFinalWriteLosesItsAnswerIsStillHeardByListeners() {
      String id = manager.create(SECRET, Duration.ofMinutes(1)).lease().id();
      LeaseManager fragile = managerOver(losingOneAnswer(LeaseState.REVOKED, true));
      clock.advance(Duration.ofMinutes(2));

      assertEquals(1, fragile.processDue());

      assertEquals(RevokeReason.EXPIRED, manager.get(id).revokeReason());
      assertTrue(events.steps().contains("expired " + id), events.steps().toString());
    }

    @Test
    void aNodeWhoseStoreFailsMidBatchStopsDeletingAndCatchesUpAtOnceWhenTheStoreIsBack() {
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        ids.add(manager.create(SECRET, Duration.ofMinutes(1)).lease().id());
      }
      AtomicBoolean down = new AtomicBoolean();
      AtomicInteger revokedWrites = new AtomicInteger();
      LeaseStore failing = new ForwardingStore(store) {
        @Override
        public LeaseRecord update(LeaseRecord lease) {
          if (down.get() || (lease.state() == LeaseState.REVOKED
              && revokedWrites.incrementAndGet() == 3 && down.compareAndSet(false, true))) {
            throw new StoreException("connection refused (simulated)");
          }
          return super.update(lease);
        }

        @Override
        public List<LeaseRecord> claimDue(String node, Instant now, Duration timeout, int limit) {
          if (down.get()) {
            throw new StoreException("connection refused (simulated)");
          }
          return super.claimDue(node, now, timeout, limit);
        }
      };
      LeaseManager node = LeaseManager.builder().store(failing).provider(provider)
          .discoverProviders(false).clock(clock).nodeId("node-f").listener(events)
          .maxInFlight(1).build();
      extraManagers.add(node);
      node.register(definition(SECRET).build());
      clock.advance(Duration.ofMinutes(2));

      assertEquals(3, node.processDue(), "worked until the store failed");
      assertEquals(3, provider.totalRevokeCalls(), "no delete started after the failed write");
      assertThrows(StoreException.class, node::processDue, "still down: nothing is claimed");
      assertEquals(3, provider.totalRevokeCalls());

      down.set(false); // the store is back; the clock has not moved: no claim has lapsed
      assertEquals(7, node.processDue());

      for (String id : ids) {
        assertEquals(LeaseState.REVOKED, manager.get(id).state(), id);
        assertEquals(1, provider.revokeCalls(id), "credential deleted once: " + id);
        assertEquals(1, events.steps().stream().filter(("expired " + id)::equals).count(), id);
      }
    }

    @Test
    void aFinalWriteThatTrulyFailedIsNotReportedUntilItIsWrittenOnceTheStoreAnswersAgain() {
      String id = manager.create(SECRET).lease().id();
      LeaseManager fragile = managerOver(losingOneAnswer(LeaseState.REVOKED, false));

      StoreException e = assertThrows(StoreException.class, () -> fragile.revoke(id));

      assertTrue(e.getMessage().contains("simulated"), e.getMessage());
      assertEquals(LeaseState.ACTIVE, manager.get(id).state(), "the write did not happen");
      assertTrue(manager.get(id).revocationPending(), "still held by the node that failed");
      assertFalse(events.steps().contains("revoked " + id), "no event for a write that failed");

      // The store answers again: the node's next pass writes what it owes, without waiting for
      // its claim to lapse and without deleting the credential again.
      assertEquals(0, fragile.processDue(), "nothing was due: the outcome was owed");

      assertEquals(LeaseState.REVOKED, manager.get(id).state());
      assertEquals(RevokeReason.MANUAL, manager.get(id).revokeReason());
      assertEquals(1, events.steps().stream().filter(("revoked " + id)::equals).count());
      assertEquals(1, provider.revokeCalls(id), "the credential was deleted once");
    }

    @Test
    void aFinalWriteThatTrulyFailedIsDoneAgainByAnotherNodeOnceTheClaimLapses() {
      String id = manager.create(SECRET).lease().id();
      LeaseManager fragile = managerOver(losingOneAnswer(LeaseState.REVOKED, false));
      assertThrows(StoreException.class, () -> fragile.revoke(id));

      clock.advance(Duration.ofHours(1)); // the failed node stays away past its claim
      assertEquals(1, manager.processDue());

      assertEquals(LeaseState.REVOKED, manager.get(id).state());
      assertEquals(RevokeReason.MANUAL, manager.get(id).revokeReason());
      assertEquals(2, provider.revokeCalls(id), "deleted again: a second delete is a success");
      LeaseRecord revoked = store.find(id).orElseThrow();

      // When the failed node comes back, what it owed finds the lease taken over: dropped.
      assertEquals(0, fragile.processDue());
      assertEquals(revoked, store.find(id).orElseThrow(), "the other node's outcome stands");
      assertEquals(1, events.steps().stream().filter(("revoked " + id)::equals).count());
    }

    /**
     * A store whose first write of a lease into {@code state} fails: after taking effect (its
     * answer lost) if {@code takesEffect}, else before.
     */
    private LeaseStore losingOneAnswer(LeaseState state, boolean takesEffect) {
      AtomicBoolean failed = new AtomicBoolean();
      return new ForwardingStore(store) {
        @Override
        public LeaseRecord update(LeaseRecord lease) {
          boolean fail = lease.state() == state && failed.compareAndSet(false, true);
          if (fail && !takesEffect) {
            throw new StoreException("connection refused (simulated)");
          }
          LeaseRecord stored = super.update(lease);
          if (fail) {
            throw new StoreException("connection lost after the commit (simulated)");
          }
          return stored;
        }
      };
    }

    @Test
    void backgroundWorkRidesOutAStoreOutageAndThenExpiresEveryDueLease() throws Exception {
      List<String> shortLived = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        shortLived.add(manager.create(SECRET, Duration.ofMinutes(1)).lease().id());
      }
      CountDownLatch expiredEvents = new CountDownLatch(shortLived.size());
      FlakyLeaseStore flaky = new FlakyLeaseStore(store, 7).down(true).loseAnswers(true);
      LeaseManager background = builder("node-bg").store(flaky).pollInterval(Duration.ofMillis(10))
          .claimTimeout(Duration.ofMinutes(1))
          .listener(new LeaseListener() {
            @Override
            public void expired(Lease lease) {
              expiredEvents.countDown();
            }
          }).build();
      extraManagers.add(background);
      background.register(definition(SECRET).build());
      clock.advance(Duration.ofMinutes(2));

      background.start();
      assertTrue(flaky.awaitFailures(20, 30, TimeUnit.SECONDS), "background work never ran");
      assertEquals(shortLived.size(), leasesIn(LeaseState.ACTIVE).size(), "nothing expires while down");
      flaky.down(false).failShare(0.3);
      // Claims whose answer was lost lapse only as time passes: move the clock while waiting. An
      // expiry whose final write lost its answer and could not be read back either is stored but
      // heard by no listener, so the store is what is checked; the events only wake the loop early.
      for (int i = 0; i < 600 && !leasesIn(LeaseState.ACTIVE).isEmpty(); i++) {
        expiredEvents.await(50, TimeUnit.MILLISECONDS);
        clock.advance(Duration.ofMinutes(1));
      }

      assertEquals(List.of(), leasesIn(LeaseState.ACTIVE), "some due lease was never expired");
      assertEquals(Set.of(), provider.liveCredentials());
      for (String id : shortLived) {
        assertEquals(LeaseState.REVOKED, manager.get(id).state());
        assertEquals(RevokeReason.EXPIRED, manager.get(id).revokeReason());
      }
    }
  }

  @Nested
  class Renewing {
    @Test
    void setsTheExpiryToNowPlusTheTtl() {
      Lease lease = manager.create(SECRET).lease();
      clock.advance(Duration.ofMinutes(4));

      Lease renewed = manager.renew(lease.id(), Duration.ofMinutes(20));

      assertEquals(now().plus(Duration.ofMinutes(20)), renewed.expiresAt());
      assertEquals(now(), renewed.renewedAt());
      assertEquals(List.of(renewed.expiresAt()), provider.renewals());
      assertTrue(events.steps().contains("renewed " + lease.id()));
    }

    @Test
    void usesTheDefaultTtlWhenNoneIsGiven() {
      Lease lease = manager.create(SECRET, Duration.ofMinutes(2)).lease();
      clock.advance(Duration.ofMinutes(1));

      assertEquals(now().plus(Duration.ofMinutes(10)), manager.renew(lease.id()).expiresAt());
    }

    @Test
    void refusesToPassTheHardLimitAndSaysWhatIsStillAllowed() {
      Lease lease = manager.create(SECRET, Duration.ofMinutes(50)).lease();
      clock.advance(Duration.ofMinutes(45));

      InvalidTtlException e = assertThrows(InvalidTtlException.class,
          () -> manager.renew(lease.id(), Duration.ofMinutes(30)));

      assertTrue(e.getMessage().contains("at most 15m can still be granted"), e.getMessage());
      assertEquals(lease.expiresAt(), manager.get(lease.id()).expiresAt(), "nothing changed");
      assertEquals(now().plus(Duration.ofMinutes(15)),
          manager.renew(lease.id(), Duration.ofMinutes(15)).expiresAt());
    }

    @Test
    void refusesAnExpiredLease() {
      Lease lease = manager.create(SECRET).lease();
      clock.advance(Duration.ofMinutes(10));

      LeaseStateException e = assertThrows(LeaseStateException.class, () -> manager.renew(lease.id()));

      assertTrue(e.getMessage().contains("expired"), e.getMessage());
    }

    @Test
    void refusesARevokedLease() {
      Lease lease = manager.create(SECRET).lease();
      manager.revoke(lease.id());

      LeaseStateException e = assertThrows(LeaseStateException.class, () -> manager.renew(lease.id()));

      assertEquals(LeaseState.REVOKED, e.state());
    }

    @Test
    void refusesANonPositiveTtl() {
      Lease lease = manager.create(SECRET).lease();

      assertThrows(InvalidTtlException.class, () -> manager.renew(lease.id(), Duration.ofSeconds(-1)));
    }

    @Test
    void renewedLeasesAreNotExpiredAtTheirOldExpiry() {
      Lease lease = manager.create(SECRET).lease();
      clock.advance(Duration.ofMinutes(9));
      manager.renew(lease.id());
      clock.advance(Duration.ofMinutes(2));

      assertEquals(0, manager.processDue());
      assertTrue(provider.isLive(lease.id()));
    }
  }

  @Nested
  class Revoking {
    @Test
    void deletesTheCredentialAndKeepsTheLeaseAsHistory() {
      Lease lease = manager.create(SECRET).lease();

      Lease revoked = manager.revoke(lease.id());

      assertAll(
          () -> assertEquals(LeaseState.REVOKED, revoked.state()),
          () -> assertEquals(RevokeReason.MANUAL, revoked.revokeReason()),
          () -> assertEquals(now(), revoked.revokedAt()),
          () -> assertEquals("node-a", stored(lease.id()).revokedBy()),
          () -> assertNull(stored(lease.id()).dueAt(), "nothing left to do on the lease"),
          () -> assertFalse(provider.isLive(lease.id())),
          () -> assertEquals(revoked, manager.get(lease.id())));
      assertTrue(events.steps().contains("revoked " + lease.id()));
    }

    @Test
    void aSecondRevokeMakesNoProviderCallAndRaisesNoError() {
      Lease lease = manager.create(SECRET).lease();
      Lease first = manager.revoke(lease.id());

      Lease second = manager.revoke(lease.id());

      assertEquals(first, second);
      assertEquals(1, provider.revokeCalls(lease.id()));
    }

    @Test
    void aFailingProviderIsRetriedOnTheBackoffScheduleThenTheLeaseFails() {
      Lease lease = manager.create(SECRET).lease();
      provider.failAllRevokes(() -> new TransientProviderException("503 service unavailable"));

      TransientProviderException e =
          assertThrows(TransientProviderException.class, () -> manager.revoke(lease.id()));
      assertTrue(e.getMessage().contains("503 service unavailable"), e.getMessage());

      // EXACT_RETRIES: 4 attempts, 1 s doubling, no jitter.
      Instant start = now();
      Lease afterFirst = manager.get(lease.id());
      assertEquals(1, afterFirst.revocationAttempts());
      assertEquals(start.plusSeconds(1), afterFirst.nextAttemptAt());
      assertTrue(afterFirst.revocationPending());

      clock.advance(Duration.ofMillis(999));
      assertEquals(0, manager.processDue(), "not before the backoff has passed");
      clock.advance(Duration.ofMillis(1));
      assertEquals(1, manager.processDue());
      assertEquals(start.plusSeconds(1 + 2), manager.get(lease.id()).nextAttemptAt());
      clock.advance(Duration.ofSeconds(2));
      manager.processDue();
      assertEquals(start.plusSeconds(1 + 2 + 4), manager.get(lease.id()).nextAttemptAt());
      clock.advance(Duration.ofSeconds(4));
      manager.processDue();

      Lease failed = manager.get(lease.id());
      assertEquals(LeaseState.REVOCATION_FAILED, failed.state());
      assertEquals(4, failed.revocationAttempts());
      assertTrue(failed.lastError().contains("503 service unavailable"));
      assertEquals(4, provider.revokeCalls(lease.id()));
      assertEquals(1, events.count("revocationFailed"));
      assertEquals(3, events.count("revocationRetryScheduled"));
      clock.advance(Duration.ofHours(1));
      assertEquals(0, manager.processDue(), "a failed lease waits for an operator");
    }

    @Test
    void jitterKeepsEachWaitWithinItsBand() {
      RetryPolicy jittery = new RetryPolicy(10, Duration.ofSeconds(10), Duration.ofMinutes(5), 2.0, 0.5);
      LeaseManager withJitter = builder("node-j").retryPolicy(jittery).build();
      extraManagers.add(withJitter);
      withJitter.register(definition("jittery").build());
      provider.failAllRevokes(() -> new TransientProviderException("down"));
      for (int i = 0; i < 20; i++) {
        Lease lease = withJitter.create("jittery").lease();
        assertThrows(TransientProviderException.class, () -> withJitter.revoke(lease.id()));
        Duration wait = Duration.between(now(), withJitter.get(lease.id()).nextAttemptAt());
        assertTrue(wait.compareTo(Duration.ofSeconds(5)) >= 0 && wait.compareTo(Duration.ofSeconds(10)) <= 0,
            "wait " + wait + " outside [5s, 10s]");
      }
    }

    @Test
    void aWaitTheSystemAskedForIsHonoured() {
      Lease lease = manager.create(SECRET).lease();
      provider.failNextRevokes(1,
          () -> new TransientProviderException("429", null, Duration.ofSeconds(30)));

      assertThrows(TransientProviderException.class, () -> manager.revoke(lease.id()));

      assertEquals(now().plusSeconds(30), manager.get(lease.id()).nextAttemptAt());
    }

    @Test
    void aDefinitiveFailureGivesUpAtOnce() {
      Lease lease = manager.create(SECRET).lease();
      provider.failNextRevokes(1, () -> new DefinitiveProviderException("403 not allowed"));

      assertThrows(DefinitiveProviderException.class, () -> manager.revoke(lease.id()));

      assertEquals(LeaseState.REVOCATION_FAILED, manager.get(lease.id()).state());
      assertEquals(1, events.count("revocationFailed"));
    }

    @Test
    void anOperatorCanRetryAFailedRevocation() {
      Lease lease = manager.create(SECRET).lease();
      provider.failNextRevokes(1, () -> new DefinitiveProviderException("403 not allowed"));
      assertThrows(DefinitiveProviderException.class, () -> manager.revoke(lease.id()));

      Lease retried = manager.revoke(lease.id());

      assertEquals(LeaseState.REVOKED, retried.state());
      assertFalse(provider.isLive(lease.id()));
    }

    @Test
    void forceRevokeMarksTheLeaseRevokedEvenWhenTheProviderFails() {
      Lease lease = manager.create(SECRET).lease();
      provider.failAllRevokes(() -> new DefinitiveProviderException("403 not allowed"));

      Lease forced = manager.forceRevoke(lease.id());

      assertEquals(LeaseState.REVOKED, forced.state());
      assertEquals(RevokeReason.FORCED, forced.revokeReason());
      assertTrue(forced.lastError().contains("forced without the provider confirming deletion"),
          forced.lastError());
      assertTrue(forced.lastError().contains("403 not allowed"), forced.lastError());
      assertTrue(events.steps().contains("revoked " + lease.id()));
    }

    @Test
    void revokeAllRevokesEveryLeaseOfTheSecretOnly() {
      manager.register(definition("other").build());
      manager.create(SECRET);
      manager.create(SECRET);
      Lease other = manager.create("other").lease();

      assertEquals(2, manager.revokeAll(SECRET));

      assertEquals(Set.of("dynsecret-" + other.id()), provider.liveCredentials());
    }

    @Test
    void anUnknownLeaseIsNotFound() {
      assertThrows(NotFoundException.class, () -> manager.revoke("0190f0e0-0000-7000-8000-000000000000"));
      InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> manager.revoke(" "));
      assertEquals("leaseId", e.field());
      String forged = "x\n2030-01-01 INFO revoked everything " + "y".repeat(500);
      InvalidRequestException odd = assertThrows(InvalidRequestException.class, () -> manager.renew(forged));
      assertEquals("leaseId", odd.field());
      assertFalse(odd.getMessage().contains("\n"), "no forged log line: " + odd.getMessage());
      assertTrue(odd.getMessage().contains("(" + forged.length() + " characters)"), odd.getMessage());
    }
  }

  @Nested
  class Expiring {
    @Test
    void theSweepRevokesExactlyTheDueLeases() {
      List<String> shortLived = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        shortLived.add(manager.create(SECRET, Duration.ofMinutes(1)).lease().id());
      }
      List<String> longLived = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        longLived.add(manager.create(SECRET, Duration.ofMinutes(10)).lease().id());
      }
      clock.advance(Duration.ofMinutes(5));

      assertEquals(3, manager.processDue());

      for (String id : shortLived) {
        Lease lease = manager.get(id);
        assertEquals(LeaseState.REVOKED, lease.state());
        assertEquals(RevokeReason.EXPIRED, lease.revokeReason());
        assertTrue(events.steps().contains("expired " + id));
      }
      for (String id : longLived) {
        assertEquals(LeaseState.ACTIVE, manager.get(id).state());
        assertTrue(provider.isLive(id));
      }
      assertEquals(0, manager.processDue(), "nothing else is due");
    }

    @Test
    void twoManagersSharingAStoreRevokeEachOfTenThousandDueLeasesExactlyOnce() throws Exception {
      LeaseManager second = newManager("node-b");
      second.register(definition(SECRET).build());
      int leases = 10_000;
      for (int i = 0; i < leases; i++) {
        manager.create(SECRET, Duration.ofMinutes(1));
      }
      clock.advance(Duration.ofMinutes(2));

      List<Integer> worked = ManyNodes.processDueAtOnce(List.of(manager, second));
      assertEquals(leases, worked.get(0) + worked.get(1), "leases worked " + worked);

      Map<String, Integer> calls = provider.revokeCallsByLease();
      assertEquals(leases, calls.size());
      assertTrue(calls.values().stream().allMatch(n -> n == 1), "some lease was revoked twice");
      assertEquals(Set.of(), provider.liveCredentials());
      assertEquals(leases, countLeases(LeaseState.REVOKED));
    }

    @Test
    void aClaimHeldByADeadNodeIsTakenOverAfterTheClaimTimeout() {
      Lease lease = manager.create(SECRET, Duration.ofMinutes(1)).lease();
      clock.advance(Duration.ofMinutes(1));
      List<LeaseRecord> abandoned = store.claimDue("node-dead", now(), Duration.ofMinutes(2), 10);
      assertEquals(1, abandoned.size());

      assertEquals(0, manager.processDue(), "the claim still runs");
      clock.advance(Duration.ofMinutes(2));
      assertEquals(1, manager.processDue());

      assertEquals(LeaseState.REVOKED, manager.get(lease.id()).state());
      assertEquals(1, provider.revokeCalls(lease.id()));
    }

    @Test
    void backgroundWorkExpiresLeasesOnItsOwn() throws Exception {
      CountDownLatch expired = new CountDownLatch(1);
      LeaseManager background = builder("node-bg").pollInterval(Duration.ofMillis(20))
          .listener(new LeaseListener() {
            @Override
            public void expired(Lease lease) {
              expired.countDown();
            }
          }).build();
      extraManagers.add(background);
      background.register(definition(SECRET).build());
      Lease lease = background.create(SECRET, Duration.ofMinutes(1)).lease();
      clock.advance(Duration.ofMinutes(1));

      background.start();

      assertTrue(expired.await(30, TimeUnit.SECONDS), "background work did not expire the lease");
      assertFalse(provider.isLive(lease.id()));
    }
  }

  @Nested
  class Listening {
    @Test
    void aListenerThatThrowsChangesNothing() {
      LeaseListener broken = new LeaseListener() {
        @Override
        public void created(Lease lease) {
          throw new IllegalStateException("listener bug");
        }

        @Override
        public void expired(Lease lease) {
          throw new IllegalStateException("listener bug");
        }
      };
      LeaseManager withBadListener = LeaseManager.builder().store(store).provider(provider)
          .discoverProviders(false).clock(clock).nodeId("node-l")
          .listener(broken).listener(events).build();
      extraManagers.add(withBadListener);
      withBadListener.register(definition("listened").build());

      Lease lease = withBadListener.create("listened", Duration.ofMinutes(1)).lease();
      clock.advance(Duration.ofMinutes(1));
      withBadListener.processDue();

      assertEquals(LeaseState.REVOKED, withBadListener.get(lease.id()).state());
      assertTrue(events.steps().contains("expired " + lease.id()), "later listeners still hear");
    }
  }

  @Nested
  class ManagingSecrets {
    @Test
    void removingASecretRevokesItsLeases() {
      Lease a = manager.create(SECRET).lease();
      Lease b = manager.create(SECRET).lease();

      manager.remove(SECRET);

      assertEquals(RevokeReason.SECRET_REMOVED, manager.get(a.id()).revokeReason());
      assertEquals(LeaseState.REVOKED, manager.get(b.id()).state());
      assertEquals(Set.of(), provider.liveCredentials());
      assertTrue(manager.secret(SECRET).isEmpty());
    }

    @Test
    void removingASecretWhoseLeasesCannotBeRevokedKeepsItUnlessForced() {
      Lease lease = manager.create(SECRET).lease();
      provider.failAllRevokes(() -> new TransientProviderException("down"));

      DynamicSecretException e = assertThrows(DynamicSecretException.class, () -> manager.remove(SECRET));
      assertTrue(e.getMessage().contains("1 of 1 leases"), e.getMessage());
      assertTrue(manager.secret(SECRET).isPresent(), "still registered so retries go on");

      manager.forceRemove(SECRET);
      Lease forced = manager.get(lease.id());
      assertEquals(LeaseState.REVOKED, forced.state());
      assertEquals(RevokeReason.SECRET_REMOVED, forced.revokeReason());
      assertTrue(forced.lastError().contains("forced"), forced.lastError());
      assertTrue(manager.secret(SECRET).isEmpty());
    }

    @Test
    void registeringTwiceIsAConflictAndUpdateReplaces() {
      assertThrows(ConflictException.class, () -> manager.register(definition(SECRET).build()));

      manager.update(definition(SECRET).defaultTtl(Duration.ofMinutes(3)).build());

      assertEquals(Duration.ofMinutes(3), manager.secret(SECRET).orElseThrow().defaultTtl());
    }

    @Test
    void anUnknownProviderTypeIsRejectedNamingTheKnownTypes() {
      InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> manager.register(
          DynamicSecret.builder("x").provider("no-such-type", ProviderConfig.empty())
              .defaultTtl(Duration.ofMinutes(1)).build()));

      assertEquals("providerType", e.field());
      assertTrue(e.getMessage().contains("[recording]"), e.getMessage());
    }

    @Test
    void twoProvidersForOneTypeIsAnErrorNamingBoth() {
      DynamicSecretException e = assertThrows(DynamicSecretException.class,
          () -> builder("node-x").provider(new RecordingProvider()).build());

      assertTrue(e.getMessage().contains("two providers claim the type 'recording'"), e.getMessage());
      assertTrue(e.getMessage().contains(RecordingProvider.class.getName()), e.getMessage());
    }

    @Test
    void verifyReachesTheProvider() {
      manager.verify(SECRET);
      provider.failVerify(() -> new DefinitiveProviderException("authentication failed"));

      assertThrows(DefinitiveProviderException.class, () -> manager.verify(SECRET));
      assertEquals(2, provider.verifyCalls());
    }
  }

  @Nested
  class History {
    @Test
    void revokedLeasesArePurgedOnlyAfterTheRetentionPeriod() {
      Lease old = manager.create(SECRET).lease();
      manager.revoke(old.id());
      clock.advance(Duration.ofDays(6));
      Lease recent = manager.create(SECRET).lease();
      manager.revoke(recent.id());
      Lease active = manager.create(SECRET, Duration.ofMinutes(1)).lease();

      clock.advance(Duration.ofDays(1).plusSeconds(1));
      assertEquals(1, manager.purgeHistory());

      assertTrue(manager.find(old.id()).isEmpty());
      assertTrue(manager.find(recent.id()).isPresent());
      assertTrue(manager.find(active.id()).isPresent());
    }

    @Test
    void listingPagesThroughEveryLease() {
      Set<String> created = new HashSet<>();
      for (int i = 0; i < 25; i++) {
        created.add(manager.create(SECRET).lease().id());
      }
      Set<String> listed = new HashSet<>();
      LeaseQuery query = LeaseQuery.bySecret(SECRET, 10);
      Page<Lease> page;
      do {
        page = manager.list(query);
        page.items().forEach(l -> listed.add(l.id()));
        query = query.after(page.nextCursor());
      } while (page.hasNext());

      assertEquals(created, listed);
    }
  }

  @Nested
  class KeepingSecrets {
    @Test
    void secretValuesNeverAppearInToStringOrInTheStore() {
      CreatedLease created = manager.create(SECRET);
      String clientSecret = created.secretData().get("CLIENT_SECRET").reveal();

      assertFalse(created.toString().contains(clientSecret));
      assertFalse(created.secretData().toString().contains(clientSecret));
      assertFalse(manager.get(created.lease().id()).toString().contains(clientSecret));
      assertFalse(Secret.of("hunter2").toString().contains("hunter2"));
      assertFalse(ProviderConfig.builder().put("apiKey", "k-123456").build().toString().contains("k-123456"));
    }
  }

  /** The lease as the store keeps it, with the engine's bookkeeping. */
  private LeaseRecord stored(String leaseId) {
    return store.find(leaseId).orElseThrow();
  }

  private Lease onlyLease() {
    List<Lease> all = manager.list(LeaseQuery.all(10)).items();
    assertEquals(1, all.size(), "expected exactly one lease: " + all);
    return all.get(0);
  }

  private LeaseRecord onlyLeaseIn(LeaseState state) {
    List<LeaseRecord> found = leasesIn(state);
    assertEquals(1, found.size(), "expected exactly one " + state + " lease: " + found);
    return found.get(0);
  }

  /** Every stored lease in {@code state}, or every lease for null. */
  private List<LeaseRecord> leasesIn(LeaseState state) {
    List<LeaseRecord> found = new ArrayList<>();
    LeaseQuery query = LeaseQuery.all(1000).withStates(state == null ? Set.of() : Set.of(state));
    Page<LeaseRecord> page;
    do {
      page = store.query(query);
      found.addAll(page.items());
      query = query.after(page.nextCursor());
    } while (page.hasNext());
    return found;
  }

  private Set<String> liveLeaseIds() {
    return provider.liveCredentials().stream()
        .map(name -> name.substring("dynsecret-".length())).collect(Collectors.toSet());
  }

  private static Set<String> leaseIds(List<ListedCredential> credentials) {
    return credentials.stream().map(ListedCredential::leaseId).collect(Collectors.toSet());
  }

  /**
   * {@return a lease id in the engine's layout (UUID version 7) made at {@code when}}
   *
   * @param when when the lease expires
   */
  protected static String leaseIdMadeAt(Instant when) {
    UUID random = UUID.randomUUID();
    long msb = (when.toEpochMilli() << 16) | 0x7000L | (random.getMostSignificantBits() & 0x0FFFL);
    long lsb = (random.getLeastSignificantBits() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(msb, lsb).toString();
  }

  private long countLeases(LeaseState state) {
    long count = 0;
    LeaseQuery query = LeaseQuery.all(LeaseQuery.MAX_LIMIT).withStates(Set.of(state));
    Page<LeaseRecord> page;
    do {
      page = store.query(query);
      count += page.items().size();
      query = query.after(page.nextCursor());
    } while (page.hasNext());
    return count;
  }

  /** Records lifecycle steps as "step leaseId" lines. */
  protected static final class RecordingListener implements LeaseListener {
    /** A listener that has recorded nothing yet. */
    protected RecordingListener() {}

    private final List<String> steps = new CopyOnWriteArrayList<>();
    private final Map<String, Integer> counts = new ConcurrentHashMap<>();

    private void record(String step, Lease lease) {
      steps.add(step + " " + lease.id());
      counts.merge(step, 1, Integer::sum);
    }

    List<String> steps() {
      return List.copyOf(steps);
    }

    int count(String step) {
      return counts.getOrDefault(step, 0);
    }

    @Override public void created(Lease lease) { record("created", lease); }
    @Override public void renewed(Lease lease) { record("renewed", lease); }
    @Override public void revoked(Lease lease) { record("revoked", lease); }
    @Override public void expired(Lease lease) { record("expired", lease); }
    @Override public void revocationRetryScheduled(Lease lease) { record("revocationRetryScheduled", lease); }
    @Override public void revocationFailed(Lease lease) { record("revocationFailed", lease); }
    @Override public void reconciled(Lease lease) { record("reconciled", lease); }

    @Override
    public void orphanDeleted(String secretName, ListedCredential credential) {
      steps.add("orphanDeleted " + credential.leaseId());
      counts.merge("orphanDeleted", 1, Integer::sum);
    }
  }

  /** A manager of {@link #SECRET} over {@code fragileStore}; closed after the test. */
  private LeaseManager managerOver(LeaseStore fragileStore) {
    LeaseManager fragile = LeaseManager.builder().store(fragileStore).provider(provider)
        .discoverProviders(false).clock(clock).nodeId("node-f").listener(events).build();
    extraManagers.add(fragile);
    fragile.register(definition(SECRET).build());
    return fragile;
  }

  /** Passes every call on; tests override what they need to break. */
  private static class ForwardingStore implements LeaseStore {
    private final LeaseStore delegate;

    ForwardingStore(LeaseStore delegate) {
      this.delegate = delegate;
    }

    @Override public void insert(LeaseRecord lease) { delegate.insert(lease); }
    @Override public boolean insertWithinLimit(LeaseRecord lease, Set<LeaseState> counted, long limit) { return delegate.insertWithinLimit(lease, counted, limit); }
    @Override public java.util.Optional<LeaseRecord> find(String id) { return delegate.find(id); }
    @Override public LeaseRecord update(LeaseRecord lease) { return delegate.update(lease); }
    @Override public Page<LeaseRecord> query(LeaseQuery query) { return delegate.query(query); }
    @Override public long count(String secretName, Set<LeaseState> states) { return delegate.count(secretName, states); }
    @Override public int purgeRevokedBefore(Instant cutoff, int limit) { return delegate.purgeRevokedBefore(cutoff, limit); }

    @Override
    public List<LeaseRecord> claimDue(String nodeId, Instant now, Duration claimTimeout, int limit) {
      return delegate.claimDue(nodeId, now, claimTimeout, limit);
    }
  }
}
