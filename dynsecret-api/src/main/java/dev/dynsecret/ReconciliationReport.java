package dev.dynsecret;

/**
 * What {@link LeaseManager#reconcile()} did with the {@link LeaseState#PENDING} leases it found:
 * leases whose create never completed (the provider failed, or the creating process died).
 *
 * @param examined pending leases found
 * @param reconciled leases whose credential (if the provider had made one) was looked up by name
 *     and deleted; they are now {@link LeaseState#REVOKED} with {@link RevokeReason#CREATE_FAILED}
 * @param inFlight leases left alone because their create may still be running: the creating node's
 *     claim (the pending grace period) has not lapsed, or another worker holds them right now
 * @param failed leases whose clean-up failed now (the provider or the dynamic secret was not
 *     available); they stay pending and are retried by background work
 */
public record ReconciliationReport(int examined, int reconciled, int inFlight, int failed) {
  @Override
  public String toString() {
    return "ReconciliationReport[examined=" + examined + ", reconciled=" + reconciled
        + ", inFlight=" + inFlight + ", failed=" + failed + "]";
  }
}
