package dev.dynsecret.spring.boot.internal;

import dev.dynsecret.DynamicSecret;
import dev.dynsecret.DynamicSecretException;
import dev.dynsecret.LeaseManager;
import dev.dynsecret.PartialRevocationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Ties the manager's background work to the application context: started with the context,
 * closed when it stops. A closed manager cannot start again, so a context stopped and started
 * again by hand ({@code stop()}, {@code start()}) fails to start it; closing is final. Its phase is below the web server's, so the manager starts before the
 * server takes requests and closes only after the server has finished the requests in flight.
 */
public final class DynsecretLifecycle implements SmartLifecycle {
  /** Before the web server starts ({@code DEFAULT_PHASE - 2048}) and after it stops. */
  public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

  private static final Logger log = LoggerFactory.getLogger(DynsecretLifecycle.class);

  private final LeaseManager manager;
  private final boolean revokeOnShutdown;
  private volatile boolean running;

  /**
   * @param revokeOnShutdown whether to revoke every lease before closing (the memory store's
   *     leases are lost with the process; their credentials would be left behind)
   */
  public DynsecretLifecycle(LeaseManager manager, boolean revokeOnShutdown) {
    this.manager = manager;
    this.revokeOnShutdown = revokeOnShutdown;
  }

  @Override
  public void start() {
    manager.start();
    running = true;
  }

  @Override
  public void stop() {
    if (!running) {
      return;
    }
    running = false;
    try {
      if (revokeOnShutdown) {
        revokeEverything();
      }
    } finally {
      manager.close();
    }
  }

  private void revokeEverything() {
    for (DynamicSecret secret : manager.secrets()) {
      try {
        int revoked = manager.revokeAll(secret.name());
        log.info("Revoked {} lease(s) of '{}' on shutdown", revoked, secret.name());
      } catch (PartialRevocationException e) {
        log.warn("Revoking the leases of '{}' on shutdown left some unrevoked: {}", secret.name(),
            e.getMessage());
      } catch (DynamicSecretException e) {
        log.warn("Could not revoke the leases of '{}' on shutdown: {}", secret.name(),
            e.getMessage());
      }
    }
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  /**
   * Not pauseable: stopping closes the manager for good, so a context that is paused (as the
   * Spring test framework does with cached contexts) must keep it running.
   */
  @Override
  public boolean isPauseable() {
    return false;
  }

  @Override
  public int getPhase() {
    return PHASE;
  }
}
