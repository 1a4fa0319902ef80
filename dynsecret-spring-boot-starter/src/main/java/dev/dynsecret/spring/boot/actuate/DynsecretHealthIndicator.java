package dev.dynsecret.spring.boot.actuate;

import dev.dynsecret.DynamicSecret;
import dev.dynsecret.LeaseManager;
import dev.dynsecret.LeaseState;
import java.util.EnumSet;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/**
 * The {@code dynsecret} health: {@code DOWN} when the lease store cannot be read (or the manager
 * is closed); the configured status (by default {@code OUT_OF_SERVICE}) while some lease is
 * {@code REVOCATION_FAILED}, since its credential may still work and needs an operator; {@code UP}
 * otherwise. Details: the lease counts of each secret, never secret data.
 */
public class DynsecretHealthIndicator extends AbstractHealthIndicator {
  private final LeaseManager manager;
  private final Status revocationFailedStatus;

  /**
   * A health indicator on {@code manager}.
   *
   * @param manager the manager whose leases to judge
   * @param revocationFailedStatus the status to report while a lease's revocation has failed for
   * good
   */
  public DynsecretHealthIndicator(LeaseManager manager, Status revocationFailedStatus) {
    super("dynsecret health check failed");
    this.manager = manager;
    this.revocationFailedStatus = revocationFailedStatus;
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) {
    Map<String, LeaseCounts> secrets = new TreeMap<>();
    long revocationFailed = 0;
    for (DynamicSecret secret : manager.secrets()) {
      LeaseCounts counts = LeaseCounts.of(manager, secret.name());
      secrets.put(secret.name(), counts);
      revocationFailed += counts.revocationFailed();
    }
    if (secrets.isEmpty()) {
      // Nothing registered: still prove the store answers.
      manager.countLeases("-", EnumSet.of(LeaseState.ACTIVE));
    }
    builder.status(revocationFailed > 0 ? revocationFailedStatus : Status.UP)
        .withDetail("revocationFailed", revocationFailed)
        .withDetail("secrets", secrets);
  }
}
