package dev.dynsecret.spring.boot.actuate;

import dev.dynsecret.InvalidRequestException;
import dev.dynsecret.Lease;
import dev.dynsecret.LeaseManager;
import dev.dynsecret.LeaseStateException;
import dev.dynsecret.ProviderException;
import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.convert.DurationStyle;

/**
 * The {@code dynsecret} endpoint with renew ({@code POST /actuator/dynsecret/{secret}/{leaseId}},
 * optional body {@code {"ttl":"30m"}}) and revoke ({@code DELETE
 * /actuator/dynsecret/{secret}/{leaseId}}) as well; in place of {@link DynsecretEndpoint} only
 * when {@code dynsecret.actuator.write-enabled=true}.
 */
@Endpoint(id = "dynsecret")
public class DynsecretWriteEndpoint extends DynsecretEndpoint {

  /**
   * An endpoint on {@code manager}.
   *
   * @param manager the manager whose leases to renew and revoke
   */
  public DynsecretWriteEndpoint(LeaseManager manager) {
    super(manager);
  }

  /**
   * Renews a lease: expiry = now + {@code ttl} (the secret's default TTL when absent), never past
   * its hard limit.
   *
   * @param ttl e.g. {@code 30m} or {@code PT30M}
   * @param secret the dynamic secret's name
   * @param leaseId the lease's id
   * @return the renewed lease, or null (404) when there is no such lease of that secret
   */
  @WriteOperation
  public @Nullable LeaseView renew(@Selector String secret, @Selector String leaseId, @Nullable String ttl) {
    Optional<Lease> lease = find(secret, leaseId);
    if (lease.isEmpty()) {
      return null;
    }
    try {
      return LeaseView.of(manager.renew(leaseId, ttl == null ? null : duration(ttl)));
    } catch (InvalidRequestException | LeaseStateException e) {
      throw new InvalidEndpointRequestException(e.getMessage(), e.getMessage());
    }
  }

  /**
   * Revokes a lease (idempotent). If the provider fails, the lease is returned as now stored: its
   * {@code lastError} says why, and background work retries the revocation.
   *
   * @param secret the dynamic secret's name
   * @param leaseId the lease's id
   * @return the lease, or null (404) when there is no such lease of that secret
   */
  @DeleteOperation
  public @Nullable LeaseView revoke(@Selector String secret, @Selector String leaseId) {
    if (find(secret, leaseId).isEmpty()) {
      return null;
    }
    try {
      return LeaseView.of(manager.revoke(leaseId));
    } catch (ProviderException e) {
      return LeaseView.of(manager.get(leaseId));
    }
  }

  private static Duration duration(String text) {
    try {
      return DurationStyle.detectAndParse(text.strip());
    } catch (IllegalArgumentException e) {
      String reason = "ttl must be a duration such as 30m or PT30M";
      throw new InvalidEndpointRequestException(reason, reason);
    }
  }
}
