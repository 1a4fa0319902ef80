package dev.dynsecret.internal;

import dev.dynsecret.DynamicSecret;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The managed credentials of one lease manager: starts them, runs what is due for each on the
 * manager's due-work passes, and closes them with the manager.
 */
public final class ManagedCredentials {
  private static final Logger log = LoggerFactory.getLogger(ManagedCredentials.class);

  private final EngineSettings settings;
  private final SecretRegistry secrets;
  private final Creation creation;
  private final Renewal renewal;
  private final Revocation revocation;
  private final List<CredentialKeeper> keepers = new CopyOnWriteArrayList<>();

  public ManagedCredentials(EngineSettings settings, SecretRegistry secrets, Creation creation,
      Renewal renewal, Revocation revocation) {
    this.settings = settings;
    this.secrets = secrets;
    this.creation = creation;
    this.renewal = renewal;
    this.revocation = revocation;
  }

  /**
   * Checks the options against the secret, creates the first lease and starts keeping it.
   *
   * @throws dev.dynsecret.InvalidRequestException naming the option that breaks a rule
   * @throws dev.dynsecret.NotFoundException if the secret is not registered
   * @throws dev.dynsecret.DynamicSecretException whatever creating the first lease throws
   */
  public CredentialKeeper start(String secretName, ManagedSettings options) {
    DynamicSecret definition = secrets.require(secretName).definition();
    RenewalPlan plan = options.resolve(definition);
    CredentialEvents events = new CredentialEvents(options.listeners(),
        options.listenerExecutor(), settings.threadFactory());
    CredentialKeeper keeper = CredentialKeeper.start(secretName, plan, creation, renewal,
        revocation, settings.clock(), events, keepers::remove);
    keepers.add(keeper);
    return keeper;
  }

  /**
   * Runs what is due for every managed credential; one that fails unexpectedly is logged and
   * does not stop the others.
   *
   * @return how many steps were taken
   */
  public int runDue() {
    int worked = 0;
    for (CredentialKeeper keeper : keepers) {
      try {
        worked += keeper.runDue();
      } catch (RuntimeException e) {
        log.warn("Managed credential of '{}' failed unexpectedly; will try again: {}",
            keeper.secretName(), e.toString());
      }
    }
    return worked;
  }

  /** Closes every managed credential, as each is configured to (revoke or leave to expire). */
  public void closeAll() {
    for (CredentialKeeper keeper : keepers) {
      try {
        keeper.close();
      } catch (RuntimeException e) {
        log.warn("Closing the managed credential of '{}' failed: {}", keeper.secretName(),
            e.toString());
      }
    }
  }
}
