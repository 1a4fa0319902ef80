package dev.dynsecret.spring.boot.actuate;

import dev.dynsecret.DynamicSecret;
import dev.dynsecret.Lease;
import dev.dynsecret.LeaseManager;
import dev.dynsecret.LeaseQuery;
import dev.dynsecret.LeaseState;
import dev.dynsecret.Page;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * The {@code dynsecret} actuator endpoint, read-only: the registered secrets with their lease
 * counts ({@code GET /actuator/dynsecret}), one secret's leases ({@code GET
 * /actuator/dynsecret/{secret}?state=active&limit=100&after=…}) and one lease ({@code GET
 * /actuator/dynsecret/{secret}/{leaseId}}). It shows what a {@link Lease} holds — state, expiry,
 * hard limit, history — and never secret data or provider configuration values.
 * {@link DynsecretWriteEndpoint} adds renew and revoke.
 */
@Endpoint(id = "dynsecret")
public class DynsecretEndpoint {
  /** The most leases one read returns. */
  public static final int MAX_LIMIT = 1000;

  /** The manager whose leases the endpoint shows. */
  protected final LeaseManager manager;

  /**
   * An endpoint on {@code manager}.
   *
   * @param manager the manager whose leases to show
   */
  public DynsecretEndpoint(LeaseManager manager) {
    this.manager = manager;
  }

  /**
   * {@return every registered secret with its definition (not its configuration) and lease counts}
   */
  @ReadOperation
  public Summary secrets() {
    Map<String, SecretView> secrets = new TreeMap<>();
    for (DynamicSecret secret : manager.secrets()) {
      secrets.put(secret.name(), SecretView.of(secret, LeaseCounts.of(manager, secret.name())));
    }
    return new Summary(manager.nodeId(), secrets);
  }

  /**
   * One secret and a page of its leases, oldest first.
   *
   * @param state only leases in this state (pending, active, revoked, revocation_failed); all
   *     when absent
   * @param after the previous page's {@code nextCursor}
   * @param limit the most leases, 1 to {@value #MAX_LIMIT}; 100 when absent
   * @param secret the dynamic secret's name
   * @return null (404) when no such secret is registered
   */
  @ReadOperation
  public @Nullable SecretLeases secret(@Selector String secret, @Nullable String state,
      @Nullable String after, @Nullable Integer limit) {
    Optional<DynamicSecret> definition = manager.secret(secret);
    if (definition.isEmpty()) {
      return null;
    }
    int pageSize = limit == null ? 100 : limit;
    if (pageSize < 1 || pageSize > MAX_LIMIT) {
      throw new InvalidEndpointRequestException("limit must be 1 to " + MAX_LIMIT,
          "limit must be 1 to " + MAX_LIMIT);
    }
    Set<LeaseState> states = state == null ? Set.of() : Set.of(state(state));
    Page<Lease> page = manager.list(new LeaseQuery(secret, states, after, pageSize));
    return new SecretLeases(SecretView.of(definition.get(), LeaseCounts.of(manager, secret)),
        page.items().stream().map(LeaseView::of).toList(), page.nextCursor());
  }

  /**
   * One lease.
   *
   * @param secret the dynamic secret's name
   * @param leaseId the lease's id
   * @return null (404) when there is no such lease of that secret
   */
  @ReadOperation
  public @Nullable LeaseView lease(@Selector String secret, @Selector String leaseId) {
    return find(secret, leaseId).map(LeaseView::of).orElse(null);
  }

  /**
   * The lease {@code leaseId} if it belongs to {@code secret}.
   *
   * @param secret the dynamic secret's name
   * @param leaseId the lease's id
   * @return the lease, or empty when there is no such lease of that secret
   */
  protected Optional<Lease> find(String secret, String leaseId) {
    return manager.find(leaseId).filter(lease -> lease.secretName().equals(secret));
  }

  private static LeaseState state(String text) {
    try {
      return LeaseState.valueOf(text.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      String reason = "state must be one of pending, active, revoked, revocation_failed";
      throw new InvalidEndpointRequestException(reason, reason);
    }
  }

  /**
   * The endpoint's root: which node answered, and every secret.
   *
   * @param nodeId the node id of the manager that answered
   * @param secrets every registered secret, by name
   */
  public record Summary(String nodeId, Map<String, SecretView> secrets) {}

  /**
   * A secret's definition without its provider configuration (which may hold credentials).
   *
   * @param provider the provider type
   * @param defaultTtl the default TTL, ISO-8601
   * @param maxTtl the max TTL, ISO-8601
   * @param leaseLimit the most pending or active leases, or null for no limit
   * @param leases how many of its leases are in each state
   */
  public record SecretView(String provider, String defaultTtl, String maxTtl,
      @Nullable Integer leaseLimit, LeaseCounts leases) {
    static SecretView of(DynamicSecret secret, LeaseCounts counts) {
      return new SecretView(secret.providerType(), text(secret.defaultTtl()),
          text(secret.maxTtl()),
          secret.leaseLimit().isPresent() ? secret.leaseLimit().getAsInt() : null, counts);
    }
  }

  /**
   * A secret and a page of its leases; follow {@code nextCursor} with {@code ?after=}.
   *
   * @param secret the secret
   * @param leases the page of its leases, oldest first
   * @param nextCursor the cursor of the next page, or null on the last page
   */
  public record SecretLeases(SecretView secret, List<LeaseView> leases,
      @Nullable String nextCursor) {}

  /**
   * A lease as the endpoint shows it: the {@link Lease} fields, times as ISO-8601 text.
   *
   * @param id see {@link Lease#id()}
   * @param secretName see {@link Lease#secretName()}
   * @param state see {@link Lease#state()}, in lower case
   * @param externalId see {@link Lease#externalId()}
   * @param createdAt see {@link Lease#createdAt()}
   * @param expiresAt see {@link Lease#expiresAt()}
   * @param hardLimitAt see {@link Lease#hardLimitAt()}
   * @param renewedAt see {@link Lease#renewedAt()}
   * @param revokedAt see {@link Lease#revokedAt()}
   * @param revokeReason see {@link Lease#revokeReason()}, in lower case
   * @param revocationAttempts see {@link Lease#revocationAttempts()}
   * @param nextAttemptAt see {@link Lease#nextAttemptAt()}
   * @param lastError see {@link Lease#lastError()}
   * @param revocationPending see {@link Lease#revocationPending()}
   * @param metadata see {@link Lease#metadata()}
   */
  public record LeaseView(String id, String secretName, String state, @Nullable String externalId,
      String createdAt, String expiresAt, String hardLimitAt, @Nullable String renewedAt,
      @Nullable String revokedAt, @Nullable String revokeReason, int revocationAttempts,
      @Nullable String nextAttemptAt, @Nullable String lastError, boolean revocationPending,
      Map<String, String> metadata) {
    static LeaseView of(Lease lease) {
      return new LeaseView(lease.id(), lease.secretName(), lower(lease.state()),
          lease.externalId(), text(lease.createdAt()), text(lease.expiresAt()),
          text(lease.hardLimitAt()), text(lease.renewedAt()), text(lease.revokedAt()),
          lease.revokeReason() == null ? null : lower(lease.revokeReason()),
          lease.revocationAttempts(), text(lease.nextAttemptAt()), lease.lastError(),
          lease.revocationPending(), new TreeMap<>(lease.metadata()));
    }
  }

  private static String lower(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT);
  }

  private static @Nullable String text(@Nullable Instant instant) {
    return instant == null ? null : instant.toString();
  }

  private static String text(Duration duration) {
    return duration.toString();
  }
}
