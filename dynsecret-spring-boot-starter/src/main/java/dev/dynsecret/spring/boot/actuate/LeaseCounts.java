package dev.dynsecret.spring.boot.actuate;

import dev.dynsecret.LeaseManager;
import dev.dynsecret.LeaseState;
import java.util.EnumSet;

/**
 * How many leases of one secret are unfinished, by state, as the store counts them.
 *
 * @param pending leases whose create has not completed
 * @param active leases whose credential exists
 * @param revocationFailed leases whose credential could not be deleted; they need an operator
 */
public record LeaseCounts(long pending, long active, long revocationFailed) {

  static LeaseCounts of(LeaseManager manager, String secret) {
    return new LeaseCounts(
        manager.countLeases(secret, EnumSet.of(LeaseState.PENDING)),
        manager.countLeases(secret, EnumSet.of(LeaseState.ACTIVE)),
        manager.countLeases(secret, EnumSet.of(LeaseState.REVOCATION_FAILED)));
  }
}
