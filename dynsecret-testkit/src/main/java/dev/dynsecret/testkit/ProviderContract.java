package dev.dynsecret.testkit;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.dynsecret.InvalidRequestException;
import dev.dynsecret.Lease;
import dev.dynsecret.LeaseState;
import dev.dynsecret.ProviderException;
import dev.dynsecret.Secret;
import dev.dynsecret.SecretData;
import dev.dynsecret.spi.CreatedCredential;
import dev.dynsecret.spi.CredentialListing;
import dev.dynsecret.spi.CredentialLookup;
import dev.dynsecret.spi.CredentialRef;
import dev.dynsecret.spi.DynamicSecretProvider;
import dev.dynsecret.spi.ProviderConnection;
import dev.dynsecret.ListedCredential;
import dev.dynsecret.ProviderConfig;
import dev.dynsecret.testkit.ProviderTarget.Failure;
import dev.dynsecret.testkit.ProviderTarget.Operation;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The behaviour every {@link DynamicSecretProvider} must have, checked against the real external
 * system. A provider proves itself by extending this class in its tests:
 *
 * <pre>{@code
 * class MyProviderContractTest extends ProviderContract {
 *   static MySystem system;                        // started once for the class
 *
 *   @BeforeAll static void start() { system = MySystem.start(); }
 *   @AfterAll static void stop() { system.close(); }
 *
 *   protected DynamicSecretProvider provider() { return new MyProvider(); }
 *   protected ProviderConfig config() { return ProviderConfig.builder().put("url", system.url())...build(); }
 *   protected ProviderTarget target() { return new MySystemTarget(system); }
 *   protected Set<String> requiredConfigKeys() { return Set.of("url", "apiKey"); }
 *   protected Set<String> secretConfigKeys() { return Set.of("apiKey"); }
 *   protected ProviderConfig wrongCredentialsConfig() { ...config() with a wrong apiKey... }
 *   protected String wrongCredentialsStep() { return "authentication"; }
 * }
 * }</pre>
 *
 * <p>Each test connects a fresh connection from {@link #config()}, works with leases built as the
 * engine builds them ({@link #newLease()}: {@code PENDING}, a time-ordered UUID id, times from
 * {@link #clock()}), and afterwards revokes every credential it made and closes the connection. It
 * checks the outcome on the system itself through the {@link ProviderTarget}: the credential
 * exists, the secret data log in, and after revoke neither holds.
 *
 * <p><b>Secrets.</b> For the whole of every test, every log event is captured (when logback-classic
 * is the SLF4J backend; {@link #noSecretReachesALogLineAToStringOrAnExceptionMessage} is skipped
 * otherwise) and, after the test, searched together with the {@code toString()} of everything the
 * provider returned or threw (the provider, the connection, created credentials, secret data,
 * exceptions with their causes) and the external ids and metadata that the engine would store.
 * None may contain a generated secret value (every secret data value except those named by
 * {@link #publicSecretDataKeys()}) or a configuration value named by {@link #secretConfigKeys()}.
 * Values shorter than {@value #MIN_SEARCHED_LENGTH} characters are not searched for, since they
 * would match by chance; give the contract realistic secrets.
 *
 * <p>Optional behaviour (an expiry the system enforces, deleting out of band, induced failures)
 * is checked when the target supports it and skipped, with the reason, when it does not. The
 * connection's optional abilities are checked when it declares them: the {@code find} tests need
 * {@link ProviderConnection#lookup()} and the {@code list} test {@link
 * ProviderConnection#listing()}; without them these tests are skipped with the reason. Calls to
 * renew go through {@link ProviderConnection#renewal()} and do nothing without it, as in the
 * engine.
 */
public abstract class ProviderContract {

  /** For subclasses: each test class that checks a provider extends this contract. */
  protected ProviderContract() {}
  /** Secret values shorter than this are not searched for: they would match by chance. */
  protected static final int MIN_SEARCHED_LENGTH = 8;

  private static final Duration LEASE_TTL = Duration.ofHours(1);
  private static final Duration MAX_TTL = Duration.ofHours(8);
  private static final Duration CALL_TIMEOUT = Duration.ofMinutes(2);

  private DynamicSecretProvider provider;
  private ProviderTarget target;
  private Clock clock;
  private ProviderConnection connection;
  private LogCapture logs;
  private final List<ProviderConnection> connections = new CopyOnWriteArrayList<>();
  /** The latest lease known for each credential the test may have made, to revoke afterwards. */
  private final Map<String, Lease> madeLeases = new ConcurrentHashMap<>();
  private final Map<String, String> secrets = new ConcurrentHashMap<>();
  private final List<String> outputs = new CopyOnWriteArrayList<>();

  // ======================================================================== what the author supplies

  /**
   * The provider under test; called once per test.
   *
   * @return a provider configured as it would be registered with a {@code LeaseManager}
   */
  protected abstract DynamicSecretProvider provider();

  /**
   * A working configuration for the provider, pointing at the system under test.
   *
   * @return the configuration {@link #provider()} connects with
   */
  protected abstract ProviderConfig config();

  /**
   * The system the provider manages, as the contract checks it.
   *
   * @return a target looking at the same system as {@link #config()}
   */
  protected abstract ProviderTarget target();

  /**
   * The keys {@code connect} must refuse to do without; each is removed from {@link #config()} in
   * turn and must be named by the {@link InvalidRequestException}.
   *
   * @return the required keys; empty if the provider needs no configuration
   */
  protected abstract Set<String> requiredConfigKeys();

  /**
   * The configuration keys whose values are secret (passwords, API keys, client secrets); their
   * values must never appear in logs, messages or {@code toString()}.
   *
   * @return the secret keys; empty if there are none
   */
  protected abstract Set<String> secretConfigKeys();

  /**
   * A configuration that {@code connect} accepts but the system refuses: {@link #config()} with
   * a wrong password or API key. Verify with it must fail definitively and say which step
   * failed.
   *
   * @return the configuration with wrong credentials
   */
  protected abstract ProviderConfig wrongCredentialsConfig();

  /**
   * Text the message of verify's failure with {@link #wrongCredentialsConfig()} must contain to
   * say what failed, e.g. {@code "authentication"}.
   *
   * @return the text, matched case-insensitively
   */
  protected abstract String wrongCredentialsStep();

  /**
   * Malformed values {@code connect} must reject, naming the key: for example a URL that is not
   * one, or an identifier with characters the system does not allow. Each is put into {@link
   * #config()} on its own.
   *
   * @return key to malformed value; empty (the default) skips the check
   */
  protected Map<String, String> malformedConfigValues() {
    return Map.of();
  }

  /**
   * Keys of the secret data whose values are not secret, such as a user name or a client id,
   * which the provider may log or record as an external id.
   *
   * @return the public keys; by default none, so every value is searched for
   */
  protected Set<String> publicSecretDataKeys() {
    return Set.of();
  }

  /**
   * The clock lease times come from. The default stands still at the current time, in whole
   * seconds, so that expiries the system enforces are in the future and compare exactly.
   *
   * @return the clock
   */
  protected Clock clock() {
    return TestClock.at(Instant.now().truncatedTo(ChronoUnit.SECONDS));
  }

  // ======================================================================== for the author's tests

  /**
   * The provider of the running test.
   *
   * @return the instance {@link #provider()} returned for this test
   */
  protected final DynamicSecretProvider testedProvider() {
    return provider;
  }

  /**
   * The connection the running test connected from {@link #config()}.
   *
   * @return the connection
   */
  protected final ProviderConnection connection() {
    return connection;
  }

  /**
   * A lease as the engine records it before it calls create: {@code PENDING}, no external id, a
   * fresh time-ordered id, created at the clock's time, expiring an hour later, with a hard
   * limit eight hours later.
   *
   * @return the lease
   */
  protected final Lease newLease() {
    Instant now = clock.instant();
    return new Lease(newLeaseId(now), "provider-contract", null, LeaseState.PENDING, now,
        now.plus(LEASE_TTL), now.plus(MAX_TTL), null, null, null, 0, null, null, Map.of());
  }

  /**
   * The lease as the engine stores it once create has answered: {@code ACTIVE}, with the
   * credential's external id and metadata. This is what revoke and renew receive.
   *
   * @param pending the lease create was called with
   * @param created create's answer
   * @return the active lease
   */
  protected static Lease activated(Lease pending, CreatedCredential created) {
    return new Lease(pending.id(), pending.secretName(), created.externalId(), LeaseState.ACTIVE,
        pending.createdAt(), pending.expiresAt(), pending.hardLimitAt(), null, null, null, 0, null,
        null, created.metadata());
  }

  /** A UUIDv7-shaped id (48 bits of milliseconds, then random bits), like the engine's. */
  private static String newLeaseId(Instant now) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long msb = (now.toEpochMilli() << 16) | 0x7000L | (random.nextLong() & 0x0FFFL);
    long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(msb, lsb).toString();
  }

  // ======================================================================== set-up and the secret check

  @BeforeEach
  final void connectProvider() {
    clock = Objects.requireNonNull(clock(), "clock()");
    provider = Objects.requireNonNull(provider(), "provider()");
    logs = LogCapture.startIfLogback(provider.getClass().getPackageName()).orElse(null);
    target = Objects.requireNonNull(target(), "target()");
    ProviderConfig config = Objects.requireNonNull(config(), "config()");
    rememberSecretsOf(config, "configuration");
    connection = connect(config);
    remember("the provider's toString()", provider);
  }

  @AfterEach
  final void cleanUpAndSearchForSecrets() {
    List<String> problems = new ArrayList<>();
    try {
      if (target != null) {
        target.clearFailures();
      }
    } catch (RuntimeException e) {
      problems.add("clearing induced failures failed: " + e);
    }
    for (Lease lease : connection == null ? List.<Lease>of() : madeLeases.values()) {
      try {
        call("revoke", () -> {
          connection.revoke(CredentialRef.of(lease));
          return null;
        });
      } catch (RuntimeException e) {
        problems.add("revoking lease " + lease.id() + " after the test failed: " + e);
      }
    }
    for (ProviderConnection h : connections) {
      remember("the connection's toString() after use", h);
      try {
        h.close();
      } catch (RuntimeException e) {
        problems.add("closing a connection failed: " + e);
      }
    }
    List<String> logged = List.of();
    if (logs != null) {
      logged = logs.events();
      logs.stop();
    }
    problems.addAll(leaks(outputs, "returned or thrown"));
    problems.addAll(leaks(logged, "logged"));
    if (!problems.isEmpty()) {
      fail(String.join("\n", problems));
    }
  }

  // ======================================================================== create

  @Test
  void createReturnsSecretDataTheSystemAccepts() {
    Lease lease = newLease();

    CreatedCredential created = create(lease);

    assertAll(
        () -> assertFalse(created.externalId().isBlank(), "create returned a blank external id"),
        () -> created.secretData().asMap().forEach((key, value) -> assertFalse(
            value.reveal().isBlank(), "secret data value " + key + " is blank")),
        () -> assertTrue(target.credentialExists(lease),
            "after create the system holds no credential for lease " + lease.id()),
        () -> assertTrue(target.accepts(created.secretData()),
            "the system rejects the secret data create returned"));
  }

  @Test
  void eachLeaseGetsItsOwnCredential() {
    Lease first = newLease();
    Lease second = newLease();

    CreatedCredential one = create(first);
    CreatedCredential two = create(second);

    assertNotEquals(one.externalId(), two.externalId(), "two leases got the same external id");
    assertTrue(Collections.disjoint(secretValues(one.secretData()), secretValues(two.secretData())),
        "two leases got the same secret value");
    revoke(activated(first, one));
    assertAll(
        () -> assertFalse(target.credentialExists(first), "the revoked lease's credential exists"),
        () -> assertFalse(target.accepts(one.secretData()), "the revoked lease's secret works"),
        () -> assertTrue(target.credentialExists(second),
            "revoking one lease removed another lease's credential"),
        () -> assertTrue(target.accepts(two.secretData()),
            "revoking one lease broke another lease's secret"));
  }

  @Test
  void createForALeaseWhoseCredentialExistsReplacesIt() {
    Lease lease = newLease();
    CreatedCredential lost = create(lease); // as if this answer never reached the engine

    CreatedCredential again = create(lease);

    assertAll(
        () -> assertTrue(target.accepts(again.secretData()),
            "the second create's secret data do not work"),
        () -> assertFalse(target.accepts(lost.secretData()),
            "the first create's secret still works: a credential left by an earlier attempt must"
                + " be replaced, not kept alongside the new one"));
    if (connection.lookup().isPresent()) { // optional: without a lookup there is nothing to ask
      assertEquals(Optional.of(again.externalId()), find(lease),
          "find does not return the replacing credential");
    }
  }

  @Test
  void concurrentCreatesAndRevokesFromManyThreadsAllSucceed() throws Exception {
    int count = 8;
    List<Lease> leases = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      leases.add(newLease());
    }

    List<CreatedCredential> created = inParallel(leases.stream()
        .<Callable<CreatedCredential>>map(lease -> () -> create(lease)).toList());

    Set<String> ids = new HashSet<>();
    created.forEach(c -> ids.add(c.externalId()));
    assertEquals(count, ids.size(), "concurrent creates returned duplicate external ids");
    for (int i = 0; i < count; i++) {
      assertTrue(target.accepts(created.get(i).secretData()),
          "the secret of a lease created concurrently does not work");
    }

    List<Callable<Object>> revokes = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Lease active = activated(leases.get(i), created.get(i));
      revokes.add(() -> {
        revoke(active);
        return null;
      });
    }
    inParallel(revokes);

    for (Lease lease : leases) {
      assertFalse(target.credentialExists(lease), "a credential revoked concurrently exists");
    }
  }

  // ======================================================================== find

  @Test
  void findLocatesTheCredentialFromTheLeaseAlone() {
    Lease pending = newLease(); // no external id: what reconciliation holds after a lost answer

    CreatedCredential created = create(pending);

    assertEquals(Optional.of(created.externalId()), find(pending),
        "find must locate the credential by the lease's id and return create's external id");
  }

  @Test
  void findIsEmptyWhenNoCredentialWasMade() {
    assertEquals(Optional.empty(), find(newLease()));
  }

  @Test
  void findIsEmptyAfterRevoke() {
    Lease lease = newLease();
    CreatedCredential created = create(lease);

    revoke(activated(lease, created));

    assertEquals(Optional.empty(), find(lease));
  }

  @Test
  void listNamesEveryCredentialItMadeWithItsLeaseIdAndForgetsRevokedOnes() {
    Lease kept = newLease();
    Lease gone = newLease();
    CreatedCredential keptCredential = create(kept);
    CreatedCredential goneCredential = create(gone);
    revoke(activated(gone, goneCredential));

    Optional<CredentialListing> listing = connection.listing();
    Assumptions.assumeTrue(listing.isPresent(), "the provider does not list its credentials, so"
        + " the orphan sweep cannot cover it (optional)");
    List<ListedCredential> listed = call("list", () -> listing.get().list());

    Map<String, ListedCredential> byLease = new HashMap<>();
    listed.forEach(credential -> byLease.put(credential.leaseId(), credential));
    assertEquals(keptCredential.externalId(), byLease.get(kept.id()) == null ? null
        : byLease.get(kept.id()).externalId(),
        "list must name the lease's credential, with the lease id read back from its name");
    assertFalse(byLease.containsKey(gone.id()), "a revoked credential was still listed");
  }

  @Test
  void aCreateWhoseAnswerWasLostIsFoundAndRevokedByName() {
    Lease lease = newLease();
    assumeTrue(target.induceFailure(Operation.CREATE, Failure.ANSWER_LOST),
        "the target cannot lose the answer to a create");

    RuntimeException thrown = assertThrows(RuntimeException.class, () -> create(lease),
        "create succeeded though its answer was lost");
    target.clearFailures();

    if (thrown instanceof ProviderException e) {
      assertTrue(e.isTransient(), "a lost answer was reported as definitive, so the engine would"
          + " mark the lease revoked and never look for the credential: " + e.getMessage());
    }
    assertTrue(target.credentialExists(lease), "the induced failure did not let the create"
        + " take effect, so this test checks nothing; fix the target");
    // What reconciliation does: look the credential up by name where the provider can, and
    // revoke the pending lease with the id found, or by name.
    if (connection.lookup().isPresent()) {
      assertTrue(find(lease).isPresent(), "find does not see the credential of a lost create");
    }
    reconcile(lease);
    assertFalse(target.credentialExists(lease), "revoke left the credential of a lost create");
  }

  // ======================================================================== revoke

  @Test
  void revokeDeletesTheCredentialAndTheSecretStopsWorking() {
    Lease lease = newLease();
    CreatedCredential created = create(lease);

    revoke(activated(lease, created));

    assertAll(
        () -> assertFalse(target.credentialExists(lease), "the credential exists after revoke"),
        () -> assertFalse(target.accepts(created.secretData()), "the secret works after revoke"));
  }

  @Test
  void revokingTwiceSucceeds() {
    Lease lease = newLease();
    Lease active = activated(lease, create(lease));
    revoke(active);

    revoke(active);

    assertFalse(target.credentialExists(lease));
  }

  @Test
  void revokingALeaseWhoseCredentialNeverExistedSucceeds() {
    Lease lease = newLease();

    revoke(lease);

    assertFalse(target.credentialExists(lease));
  }

  @Test
  void revokeWithoutTheExternalIdDeletesByName() {
    Lease pending = newLease();
    CreatedCredential created = create(pending);

    revoke(pending);

    assertAll(
        () -> assertFalse(target.credentialExists(pending),
            "revoke of a lease without external id must delete the credential by its name"),
        () -> assertFalse(target.accepts(created.secretData()), "the secret works after revoke"));
  }

  @Test
  void revokingACredentialDeletedOutOfBandSucceeds() {
    Lease lease = newLease();
    Lease active = activated(lease, create(lease));
    assumeTrue(target.deleteOutOfBand(active), "the target cannot delete a credential out of band");
    assertFalse(target.credentialExists(lease), "deleteOutOfBand left the credential; fix the target");

    revoke(active);

    assertFalse(target.credentialExists(lease));
  }

  // ======================================================================== renew

  @Test
  void renewKeepsTheCredentialWorking() {
    Lease lease = newLease();
    CreatedCredential created = create(lease);
    Lease active = activated(lease, created);

    renew(active, active.expiresAt().plus(LEASE_TTL));

    assertAll(
        () -> assertTrue(target.credentialExists(lease), "the credential is gone after renew"),
        () -> assertTrue(target.accepts(created.secretData()), "the secret fails after renew"));
  }

  @Test
  void theExpiryTheSystemEnforcesFollowsTheLease() {
    Lease lease = newLease();
    Lease active = activated(lease, create(lease));
    Optional<Instant> enforced = target.enforcedExpiry(active);
    assumeTrue(enforced.isPresent(), "the system's credentials have no expiry of their own");
    assertEquals(active.expiresAt(), enforced.get(), "create must set the lease's expiry");

    Instant renewed = active.expiresAt().plus(LEASE_TTL);
    renew(active, renewed);

    assertEquals(Optional.of(renewed), target.enforcedExpiry(active),
        "renew must move the expiry the system enforces");
  }

  // ======================================================================== configuration

  @Test
  void verifyPassesWithAWorkingConfiguration() {
    call("verify", () -> {
      connection.verify();
      return null;
    });
  }

  @Test
  void connectNamesEachMissingRequiredKey() {
    Set<String> required = requiredConfigKeys();
    assumeFalse(required.isEmpty(), "the provider requires no configuration");
    ProviderConfig config = config();

    List<Executable> checks = new ArrayList<>();
    for (String key : required) {
      checks.add(() -> assertNamesField(key, () -> connect(without(config, key)),
          "connect without required key '" + key + "'"));
    }

    assertAll(checks);
  }

  @Test
  void connectNamesEachMalformedValue() {
    Map<String, String> malformed = malformedConfigValues();
    assumeFalse(malformed.isEmpty(), "no malformed configuration values were supplied");
    ProviderConfig config = config();

    List<Executable> checks = new ArrayList<>();
    malformed.forEach((key, value) -> checks.add(() -> assertNamesField(key,
        () -> connect(with(config, key, value)), "connect with a malformed '" + key + "'")));

    assertAll(checks);
  }

  @Test
  void verifyWithWrongCredentialsFailsDefinitivelyAndSaysWhatFailed() {
    ProviderConfig wrong = wrongCredentialsConfig();
    rememberSecretsOf(wrong, "wrong-credentials configuration");
    ProviderConnection wrongConnection = connect(wrong); // connect must not call the system, so it cannot know yet

    ProviderException e = assertThrows(ProviderException.class, () -> call("verify", () -> {
      wrongConnection.verify();
      return null;
    }), "verify passed with wrong credentials");

    assertAll(
        () -> assertFalse(e.isTransient(), "wrong credentials were reported as a transient failure,"
            + " so they would be retried: " + e.getMessage()),
        () -> assertTrue(e.getMessage() != null && e.getMessage().toLowerCase()
                .contains(wrongCredentialsStep().toLowerCase()),
            "the message does not say that '" + wrongCredentialsStep() + "' failed: "
                + e.getMessage()));
  }

  // ======================================================================== failure classification

  @Test
  void aTransientFailureOnCreateIsReportedAsTransient() {
    Lease lease = newLease();
    assumeTrue(target.induceFailure(Operation.CREATE, Failure.TRANSIENT),
        "the target cannot make a create fail transiently");

    ProviderException e = expectProviderException(() -> create(lease), "create");
    target.clearFailures();

    assertTrue(e.isTransient(), "a transient failure was reported as definitive: " + e.getMessage());
    // What reconciliation does with the pending lease afterwards.
    reconcile(lease);
    assertFalse(target.credentialExists(lease), "reconciliation left the failed create's credential");
  }

  @Test
  void aDefinitiveFailureOnCreateIsReportedAsDefinitiveAndLeavesNoCredential() {
    Lease lease = newLease();
    assumeTrue(target.induceFailure(Operation.CREATE, Failure.DEFINITIVE),
        "the target cannot make a create fail definitively");

    ProviderException e = expectProviderException(() -> create(lease), "create");
    target.clearFailures();

    assertFalse(e.isTransient(), "a definitive failure was reported as transient: " + e.getMessage());
    // The engine marks such a lease revoked at once and never looks for its credential again.
    assertFalse(target.credentialExists(lease), "a create that failed definitively left a credential");
  }

  @Test
  void aTransientFailureOnRevokeIsReportedAsTransientAndARetrySucceeds() {
    checkRevokeFailure(Failure.TRANSIENT);
  }

  @Test
  void aDefinitiveFailureOnRevokeIsReportedAsDefinitiveAndARetrySucceeds() {
    checkRevokeFailure(Failure.DEFINITIVE);
  }

  private void checkRevokeFailure(Failure failure) {
    Lease lease = newLease();
    CreatedCredential created = create(lease);
    Lease active = activated(lease, created);
    assumeTrue(target.induceFailure(Operation.REVOKE, failure),
        "the target cannot make a revoke fail " + failure.name().toLowerCase());

    ProviderException e = expectProviderException(() -> revoke(active), "revoke");
    target.clearFailures();

    assertEquals(failure == Failure.TRANSIENT, e.isTransient(),
        "a " + failure.name().toLowerCase() + " failure was reported with isTransient() "
            + e.isTransient() + ": " + e.getMessage());
    // An operator's retry (or the engine's, for a transient failure) must still finish the job.
    revoke(active);
    assertAll(
        () -> assertFalse(target.credentialExists(lease), "the credential exists after the retry"),
        () -> assertFalse(target.accepts(created.secretData()), "the secret works after the retry"));
  }

  // ======================================================================== secrets

  @Test
  void noSecretReachesALogLineAToStringOrAnExceptionMessage() {
    // A whole life, failures included; everything is searched after the test as in every test.
    call("verify", () -> {
      connection.verify();
      return null;
    });
    Lease lease = newLease();
    CreatedCredential created = create(lease);
    Lease active = activated(lease, created);
    if (connection.lookup().isPresent()) {
      find(lease);
    }
    renew(active, active.expiresAt().plus(LEASE_TTL));
    revoke(active);
    ProviderConfig wrong = wrongCredentialsConfig();
    rememberSecretsOf(wrong, "wrong-credentials configuration");
    ProviderConnection wrongConnection = connect(wrong);
    attempt(() -> wrongConnection.verify());
    Lease refused = newLease();
    madeLeases.put(refused.id(), refused); // revoked afterwards, should the create succeed
    attempt(() -> wrongConnection.create(refused));
    for (String key : secretConfigKeys()) {
      attempt(() -> connect(without(config(), key)));
    }

    assertFalse(secrets.isEmpty(), "there were no secret values to search for");
    List<String> found = leaks(outputs, "returned or thrown");
    assertTrue(found.isEmpty(), () -> String.join("\n", found));
    assumeTrue(logs != null, "logback-classic is not the SLF4J backend, so log lines could not be"
        + " captured; add it as a test dependency to check them");
    List<String> logged = leaks(logs.events(), "logged");
    assertTrue(logged.isEmpty(), () -> String.join("\n", logged));
  }

  // ======================================================================== calls, recorded

  /**
   * Calls create and records what it returned, checking the answer's shape: a non-blank external
   * id, at least one secret data value.
   *
   * @param lease the lease to create a credential for
   * @return create's answer
   */
  protected final CreatedCredential create(Lease lease) {
    // Recorded first: a create that fails may still have made the credential.
    madeLeases.putIfAbsent(lease.id(), lease);
    CreatedCredential created = call("create", () -> connection.create(lease));
    assertNotNull(created, "create returned null");
    assertNotNull(created.secretData(), "create returned no secret data");
    madeLeases.put(lease.id(), activated(lease, created));
    created.secretData().asMap().forEach((key, value) -> {
      if (!publicSecretDataKeys().contains(key)) {
        rememberSecret("generated secret data value " + key, value.reveal());
      }
      remember("the toString() of secret data value " + key, value);
    });
    remember("a created credential's toString()", created);
    remember("the secret data's toString()", created.secretData());
    remember("a created credential's external id (stored on the lease)", created.externalId());
    remember("a created credential's metadata (stored on the lease)", created.metadata());
    return created;
  }

  /**
   * Calls revoke.
   *
   * @param lease the lease whose credential to delete
   */
  protected final void revoke(Lease lease) {
    call("revoke", () -> {
      connection.revoke(CredentialRef.of(lease));
      return null;
    });
  }

  /**
   * Calls renew.
   *
   * @param lease the lease being renewed
   * @param newExpiry its expiry once renewed
   */
  protected final void renew(Lease lease, Instant newExpiry) {
    call("renew", () -> {
      connection.renewal().ifPresent(renewal -> renewal.renew(lease, newExpiry));
      return null;
    });
  }

  /**
   * Does what reconciliation does with a pending lease whose create's answer was lost: looks the
   * credential up by name and revokes it by the id found, or, for a provider without lookup,
   * revokes with no external id (by name).
   *
   * @param pending the pending lease
   */
  protected final void reconcile(Lease pending) {
    CredentialRef credential = CredentialRef.of(pending);
    Optional<CredentialLookup> lookup = connection.lookup();
    if (lookup.isPresent()) {
      Optional<String> found = call("find", () -> lookup.get().find(credential));
      remember("find's answer", found);
      found.ifPresent(id -> call("revoke", () -> {
        connection.revoke(credential.withExternalId(id));
        return null;
      }));
    } else {
      call("revoke", () -> {
        connection.revoke(credential);
        return null;
      });
    }
  }

  /**
   * Calls find and records its answer; skips the test if the provider has no lookup.
   *
   * @param lease the lease whose credential to look up
   * @return find's answer
   */
  protected final Optional<String> find(Lease lease) {
    Optional<CredentialLookup> lookup = connection.lookup();
    Assumptions.assumeTrue(lookup.isPresent(), "the provider cannot look credentials up by name"
        + " (optional: reconciliation then revokes by name)");
    Optional<String> found = call("find", () -> lookup.get().find(CredentialRef.of(lease)));
    assertNotNull(found, "find returned null instead of an Optional");
    remember("find's answer", found);
    return found;
  }

  /**
   * Calls connect, recording the connection (closed after the test) or the exception.
   *
   * @param config the configuration to connect with
   * @return the connection
   */
  protected final ProviderConnection connect(ProviderConfig config) {
    ProviderConnection connected = call("connect", () -> provider.connect(config));
    assertNotNull(connected, "connect returned null");
    connections.add(connected);
    remember("the connection's toString()", connected);
    return connected;
  }

  private <T> T call(String what, Supplier<T> action) {
    try {
      return action.get();
    } catch (RuntimeException e) {
      remember("an exception thrown by " + what, stackTrace(e));
      throw e;
    }
  }

  private void attempt(Runnable action) {
    try {
      action.run();
    } catch (RuntimeException e) {
      remember("an exception", stackTrace(e));
    }
  }

  private ProviderException expectProviderException(Runnable action, String what) {
    RuntimeException thrown = assertThrows(RuntimeException.class, action::run,
        what + " succeeded despite the induced failure");
    if (!(thrown instanceof ProviderException e)) {
      throw new AssertionError(what + " threw " + thrown.getClass().getName() + " instead of a"
          + " TransientProviderException or DefinitiveProviderException", thrown);
    }
    assertTrue(e.getMessage() != null && !e.getMessage().isBlank(),
        what + "'s failure has no message saying what failed");
    return e;
  }

  private static void assertNamesField(String key, Runnable action, String what) {
    InvalidRequestException e = assertThrows(InvalidRequestException.class, action::run,
        what + " did not throw InvalidRequestException");
    assertEquals(key, e.field(), what + " named the wrong field: " + e.getMessage());
  }

  private <T> List<T> inParallel(List<Callable<T>> tasks) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<T>> futures = new ArrayList<>();
      for (Callable<T> task : tasks) {
        futures.add(pool.submit(() -> {
          start.await();
          return task.call();
        }));
      }
      start.countDown();
      List<T> results = new ArrayList<>();
      for (Future<T> future : futures) {
        results.add(future.get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }

  // ======================================================================== secret search

  private void rememberSecretsOf(ProviderConfig config, String where) {
    for (String key : secretConfigKeys()) {
      if (config.keys().contains(key)) {
        rememberSecret(where + " value " + key, rawValue(config, key));
      }
    }
  }

  private void rememberSecret(String label, String value) {
    if (value != null && value.length() >= MIN_SEARCHED_LENGTH) {
      secrets.putIfAbsent(value, label);
    }
  }

  private void remember(String what, Object value) {
    outputs.add(what + ": " + value);
  }

  /** Each text that holds a secret, described without the secret itself. */
  private List<String> leaks(List<String> texts, String how) {
    List<String> found = new ArrayList<>();
    for (String text : texts) {
      for (Map.Entry<String, String> secret : secrets.entrySet()) {
        int at = text.indexOf(secret.getKey());
        if (at >= 0) {
          String context = text.substring(Math.max(0, at - 100),
              Math.min(text.length(), at + secret.getKey().length() + 100));
          found.add("a secret (" + secret.getValue() + ") was " + how + ": "
              + redact(context).replace('\n', ' '));
        }
      }
    }
    return found;
  }

  private String redact(String text) {
    String redacted = text;
    for (Map.Entry<String, String> secret : secrets.entrySet()) {
      redacted = redacted.replace(secret.getKey(), "<" + secret.getValue() + ">");
    }
    return redacted;
  }

  private Set<String> secretValues(SecretData data) {
    Set<String> values = new HashSet<>();
    data.asMap().forEach((key, value) -> {
      if (!publicSecretDataKeys().contains(key)) {
        values.add(value.reveal());
      }
    });
    return values;
  }

  private static String stackTrace(Throwable e) {
    StringWriter text = new StringWriter();
    e.printStackTrace(new PrintWriter(text));
    return text.toString();
  }

  // ======================================================================== configuration copies

  /** The value as configured, white space kept (ProviderConfig.get strips it). */
  private static String rawValue(ProviderConfig config, String key) {
    try {
      return config.requireSecret(key).reveal();
    } catch (InvalidRequestException empty) {
      return "";
    }
  }

  private static ProviderConfig without(ProviderConfig config, String key) {
    return with(config, key, null);
  }

  private static ProviderConfig with(ProviderConfig config, String key, String value) {
    Map<String, String> values = new LinkedHashMap<>();
    for (String k : config.keys()) {
      values.put(k, rawValue(config, k));
    }
    values.put(key, value);
    return ProviderConfig.of(values);
  }
}
