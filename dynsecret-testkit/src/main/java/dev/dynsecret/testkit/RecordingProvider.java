package dev.dynsecret.testkit;

import dev.dynsecret.Lease;
import dev.dynsecret.Secret;
import dev.dynsecret.SecretData;
import dev.dynsecret.TransientProviderException;
import dev.dynsecret.spi.CreatedCredential;
import dev.dynsecret.spi.CredentialListing;
import dev.dynsecret.spi.CredentialLookup;
import dev.dynsecret.spi.CredentialRef;
import dev.dynsecret.spi.DynamicSecretProvider;
import dev.dynsecret.spi.ExpiryRenewal;
import dev.dynsecret.spi.ProviderConnection;
import dev.dynsecret.ListedCredential;
import dev.dynsecret.ProviderConfig;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A provider for tests: it keeps credentials in memory, records every call, and fails on demand.
 * Use it to test code built on {@link dev.dynsecret.LeaseManager} without an external system, and
 * to check what the engine asked of the provider.
 *
 * <pre>{@code
 * RecordingProvider provider = new RecordingProvider();
 * LeaseManager leases = LeaseManager.builder().store(store).provider(provider).build();
 * provider.failNextRevokes(2, () -> new TransientProviderException("503 from the system"));
 * }</pre>
 *
 * <p>Credentials are named {@code dynsecret-<lease id>}, like a real provider's, so reconciliation
 * can look them up.
 */
public final class RecordingProvider implements DynamicSecretProvider {
  /** The default provider type. */
  public static final String TYPE = "recording";

  private final String type;
  private final Map<String, String> liveByName = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> revokeCalls = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> successfulRevokes = new ConcurrentHashMap<>();
  private final AtomicInteger listCalls = new AtomicInteger();
  private final AtomicInteger injectedRevokeFailures = new AtomicInteger();
  private volatile RevokeFailureRate revokeFailureRate;
  private volatile boolean listingSupported = true;
  private final AtomicInteger createCalls = new AtomicInteger();
  private final AtomicInteger lostAnswers = new AtomicInteger();
  private final AtomicInteger findCalls = new AtomicInteger();
  private final AtomicInteger verifyCalls = new AtomicInteger();
  private final List<Instant> renewals = new CopyOnWriteArrayList<>();
  private final List<Secret> issuedSecrets = new CopyOnWriteArrayList<>();
  private final Deque<Supplier<RuntimeException>> createFailures = new ArrayDeque<>();
  private final Deque<Supplier<RuntimeException>> revokeFailures = new ArrayDeque<>();
  private volatile Supplier<RuntimeException> revokeAlwaysFails;
  private volatile Supplier<RuntimeException> verifyFails;
  private volatile Consumer<Lease> onCreate = lease -> {};

  /** A provider of type {@value #TYPE}. */
  public RecordingProvider() {
    this(TYPE);
  }

  /**
   * A provider of the given type, to stand in for a real one.
   *
   * @param type the provider type it claims
   */
  public RecordingProvider(String type) {
    this.type = type;
  }

  @Override
  public String type() {
    return type;
  }

  /** Every secret registered with this provider shares its credentials, counters and failures. */
  @Override
  public ProviderConnection connect(ProviderConfig config) {
    return new Connection();
  }

  private final class Connection implements ProviderConnection {
    @Override
    public CreatedCredential create(Lease lease) {
      createCalls.incrementAndGet();
      throwIfQueued(createFailures);
      String externalId = UUID.randomUUID().toString();
      String name = nameFor(lease.id());
      liveByName.put(name, externalId);
      Secret clientSecret = Secret.of("secret-" + UUID.randomUUID());
      issuedSecrets.add(clientSecret);
      IssuedSecrets.issued(clientSecret);
      onCreate.accept(lease);
      if (lostAnswers.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        throw new TransientProviderException("the answer to create was lost (simulated)");
      }
      return new CreatedCredential(externalId,
          SecretData.of(Map.of("CLIENT_ID", Secret.of("id-" + externalId), "CLIENT_SECRET", clientSecret)),
          Map.of("credentialName", name));
    }

    @Override
    public void revoke(CredentialRef credential) {
      revokeCalls.computeIfAbsent(credential.leaseId(), id -> new AtomicInteger()).incrementAndGet();
      Supplier<RuntimeException> always = revokeAlwaysFails;
      if (always != null) {
        throw always.get();
      }
      throwIfQueued(revokeFailures);
      RevokeFailureRate rate = revokeFailureRate;
      if (rate != null && rate.draw()) {
        injectedRevokeFailures.incrementAndGet();
        throw rate.failure.get();
      }
      liveByName.remove(nameFor(credential.leaseId())); // already gone is success, as the SPI requires
      successfulRevokes.computeIfAbsent(credential.leaseId(), id -> new AtomicInteger()).incrementAndGet();
    }

    /**
     * Every credential that exists now, named {@code dynsecret-<lease id>}; absent, like a
     * provider without listing, after {@link #supportListing(boolean) supportListing(false)}.
     */
    @Override
    public Optional<CredentialListing> listing() {
      if (!listingSupported) {
        return Optional.empty();
      }
      return Optional.of(() -> {
        listCalls.incrementAndGet();
        List<ListedCredential> listed = new ArrayList<>();
        liveByName.forEach((name, externalId) -> listed.add(
            new ListedCredential(name.substring("dynsecret-".length()), externalId, name)));
        return listed;
      });
    }

    @Override
    public Optional<ExpiryRenewal> renewal() {
      return Optional.of((lease, newExpiry) -> renewals.add(newExpiry));
    }

    @Override
    public Optional<CredentialLookup> lookup() {
      return Optional.of(credential -> {
        findCalls.incrementAndGet();
        return Optional.ofNullable(liveByName.get(nameFor(credential.leaseId())));
      });
    }

    @Override
    public void verify() {
      verifyCalls.incrementAndGet();
      Supplier<RuntimeException> failure = verifyFails;
      if (failure != null) {
        throw failure.get();
      }
    }
  }

  private static String nameFor(String leaseId) {
    return "dynsecret-" + leaseId;
  }

  private static void throwIfQueued(Deque<Supplier<RuntimeException>> queue) {
    Supplier<RuntimeException> failure;
    synchronized (queue) {
      failure = queue.poll();
    }
    if (failure != null) {
      throw failure.get();
    }
  }

  // ------------------------------------------------------------------ failing on demand

  /**
   * The next {@code times} creates throw what {@code failure} supplies.
   *
   * @param times how many calls fail
   * @param failure what to throw
   * @return this builder
   */
  public RecordingProvider failNextCreates(int times, Supplier<RuntimeException> failure) {
    synchronized (createFailures) {
      for (int i = 0; i < times; i++) {
        createFailures.add(failure);
      }
    }
    return this;
  }

  /**
   * The next {@code times} revokes throw what {@code failure} supplies.
   *
   * @param times how many calls fail
   * @param failure what to throw
   * @return this builder
   */
  public RecordingProvider failNextRevokes(int times, Supplier<RuntimeException> failure) {
    synchronized (revokeFailures) {
      for (int i = 0; i < times; i++) {
        revokeFailures.add(failure);
      }
    }
    return this;
  }

  /**
   * Every revoke throws what {@code failure} supplies, until called with null.
   *
   * @param failure what to throw
   * @return this builder
   */
  public RecordingProvider failAllRevokes(Supplier<RuntimeException> failure) {
    this.revokeAlwaysFails = failure;
    return this;
  }

  /**
   * From now on each revoke fails with probability {@code share}, throwing what {@code failure}
   * supplies, drawn from a {@link Random} seeded with {@code seed}; a share of 0 turns it off.
   * Queued failures ({@link #failNextRevokes}) come first.
   *
   * @param share the probability of a failure, from 0 to 1
   * @param seed the seed of the random choice, so that a run can be repeated
   * @param failure what to throw
   * @return this builder
   */
  public RecordingProvider failRevokesAtRate(double share, long seed,
      Supplier<RuntimeException> failure) {
    if (!(share >= 0 && share <= 1)) {
      throw new IllegalArgumentException("share: must be between 0 and 1, was " + share);
    }
    this.revokeFailureRate = share == 0 ? null : new RevokeFailureRate(share, new Random(seed), failure);
    return this;
  }

  /**
   * Makes a credential named {@code dynsecret-<leaseId>} without any lease, as a create whose
   * lease was lost would leave behind; for testing the orphan sweep.
   *
   * @param leaseId the lease's id
   * @return the credential's external id
   */
  public String plantCredential(String leaseId) {
    String externalId = UUID.randomUUID().toString();
    liveByName.put("dynsecret-" + leaseId, externalId);
    return externalId;
  }

  /**
   * Deletes the lease's credential without the library knowing, as an administrator deleting it
   * by hand would; for testing that the sweep reports the lease.
   *
   * @param leaseId the lease's id
   * @return whether there was such a credential
   */
  public boolean deleteBehindTheLibrarysBack(String leaseId) {
    return liveByName.remove("dynsecret-" + leaseId) != null;
  }

  /**
   * Whether connections offer listing (default) or, like a provider without it, do not.
   *
   * @param supported whether connections offer listing (default) or, like a provider without it, do
   *     not
   * @return this builder
   */
  public RecordingProvider supportListing(boolean supported) {
    this.listingSupported = supported;
    return this;
  }

  /**
   * Verify throws what {@code failure} supplies, until called with null.
   *
   * @param failure what to throw
   * @return this builder
   */
  public RecordingProvider failVerify(Supplier<RuntimeException> failure) {
    this.verifyFails = failure;
    return this;
  }

  /**
   * The next {@code times} creates make the credential but then throw a transient failure, as if
   * the answer was lost on the way back: the case reconciliation exists for.
   *
   * @param times how many calls fail
   * @return this builder
   */
  public RecordingProvider loseNextCreateAnswers(int times) {
    lostAnswers.addAndGet(times);
    return this;
  }

  /**
   * Runs {@code hook} inside every create, after the credential is made and before the answer is
   * returned; a hook that throws an {@link Error} simulates a process dying at that point.
   *
   * @param hook what to run, given the lease being created
   * @return this builder
   */
  public RecordingProvider onCreate(Consumer<Lease> hook) {
    this.onCreate = hook;
    return this;
  }

  // ------------------------------------------------------------------ what happened

  /** {@return how many times create was called} */
  public int createCalls() {
    return createCalls.get();
  }

  /**
   * {@return how many times revoke was called for the lease}
   *
   * @param leaseId the lease's id
   */
  public int revokeCalls(String leaseId) {
    AtomicInteger calls = revokeCalls.get(leaseId);
    return calls == null ? 0 : calls.get();
  }

  /**
   * Revoke calls per lease id.
   *
   * @return the count of revoke calls, by lease id
   */
  public Map<String, Integer> revokeCallsByLease() {
    Map<String, Integer> copy = new java.util.HashMap<>();
    revokeCalls.forEach((id, n) -> copy.put(id, n.get()));
    return copy;
  }

  /** {@return how many times revoke was called in all} */
  public int totalRevokeCalls() {
    return revokeCalls.values().stream().mapToInt(AtomicInteger::get).sum();
  }

  /**
   * {@return how many revoke calls for the lease succeeded (the credential was deleted or already
   * gone)}
   *
   * @param leaseId the lease's id
   */
  public int successfulRevokeCalls(String leaseId) {
    AtomicInteger calls = successfulRevokes.get(leaseId);
    return calls == null ? 0 : calls.get();
  }

  /**
   * Successful revoke calls per lease id.
   *
   * @return the count of successful revoke calls, by lease id
   */
  public Map<String, Integer> successfulRevokeCallsByLease() {
    Map<String, Integer> copy = new java.util.HashMap<>();
    successfulRevokes.forEach((id, n) -> copy.put(id, n.get()));
    return copy;
  }

  /** {@return how many revokes failed through {@link #failRevokesAtRate}} */
  public int injectedRevokeFailures() {
    return injectedRevokeFailures.get();
  }

  /** {@return how many times list was called (and supported)} */
  public int listCalls() {
    return listCalls.get();
  }

  /** {@return how many times find was called} */
  public int findCalls() {
    return findCalls.get();
  }

  /** {@return how many times verify was called} */
  public int verifyCalls() {
    return verifyCalls.get();
  }

  /** {@return the expiries passed to renew, in order} */
  public List<Instant> renewals() {
    return new ArrayList<>(renewals);
  }

  /** {@return names of credentials that exist now ({@code dynsecret-<lease id>})} */
  public Set<String> liveCredentials() {
    return Set.copyOf(liveByName.keySet());
  }

  /**
   * {@return whether the lease's credential exists now}
   *
   * @param leaseId the lease's id
   */
  public boolean isLive(String leaseId) {
    return liveByName.containsKey("dynsecret-" + leaseId);
  }

  /** {@return every client secret this provider handed out, to search logs for} */
  public List<Secret> issuedSecrets() {
    return List.copyOf(issuedSecrets);
  }

  /** A seeded draw shared by all threads; the lock keeps the sequence of draws well defined. */
  private static final class RevokeFailureRate {
    private final double share;
    private final Random random;
    private final Supplier<RuntimeException> failure;

    RevokeFailureRate(double share, Random random, Supplier<RuntimeException> failure) {
      this.share = share;
      this.random = random;
      this.failure = failure;
    }

    synchronized boolean draw() {
      return random.nextDouble() < share;
    }
  }
}
