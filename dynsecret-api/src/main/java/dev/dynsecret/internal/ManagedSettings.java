package dev.dynsecret.internal;

import dev.dynsecret.CredentialListener;
import dev.dynsecret.DynamicSecret;
import dev.dynsecret.InvalidRequestException;
import dev.dynsecret.InvalidTtlException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * A managed credential's options as the user gave them ({@code ManagedCredential.Options}); null
 * means "the default", which depends on the dynamic secret and is settled by {@link #resolve}.
 */
public record ManagedSettings(
    @Nullable Duration ttl,
    double renewAt,
    @Nullable Duration renewBefore,
    double jitter,
    @Nullable Duration overlap,
    @Nullable Duration warnBefore,
    Duration retryFirst,
    Duration retryMax,
    boolean revokeOnClose,
    @Nullable Executor listenerExecutor,
    List<CredentialListener> listeners) {

  static final Duration DEFAULT_MAX_OVERLAP = Duration.ofMinutes(5);
  static final Duration DEFAULT_WARN_BEFORE = Duration.ofMinutes(5);

  /**
   * The plan for {@code secret}: defaults filled in, and the rules that depend on the secret
   * checked.
   *
   * @throws InvalidRequestException naming the option that breaks a rule
   */
  public RenewalPlan resolve(DynamicSecret secret) {
    Duration leaseTtl = ttl == null ? secret.defaultTtl() : ttl;
    if (leaseTtl.compareTo(secret.maxTtl()) > 0) {
      throw new InvalidTtlException("ttl", "must not exceed the max TTL "
          + Durations.format(secret.maxTtl()) + " of dynamic secret '" + secret.name() + "'; was "
          + Durations.format(leaseTtl));
    }
    if (renewBefore != null && renewBefore.compareTo(leaseTtl) >= 0) {
      throw new InvalidRequestException("renewBefore", "must be shorter than the TTL "
          + Durations.format(leaseTtl) + ", or every lease would be renewed at once; was "
          + Durations.format(renewBefore));
    }
    Duration lead = renewBefore != null ? renewBefore : RenewalPlan.fraction(leaseTtl, 1 - renewAt);
    String point = renewBefore != null ? "renewBefore " + Durations.format(renewBefore)
        : "renewAt " + new BigDecimal(renewAt).round(new MathContext(3)).stripTrailingZeros()
            .toPlainString();
    Duration chosenOverlap = overlap;
    if (chosenOverlap == null) {
      chosenOverlap = min(DEFAULT_MAX_OVERLAP, lead.dividedBy(2));
    } else if (chosenOverlap.compareTo(lead) >= 0) {
      throw new InvalidRequestException("overlap", "must be shorter than the time left at the"
          + " renewal point (" + Durations.format(lead) + " with TTL "
          + Durations.format(leaseTtl) + " and " + point + "), so the old credential cannot run"
          + " out before the overlap ends; was " + Durations.format(chosenOverlap));
    }
    Duration warn = warnBefore == null ? min(DEFAULT_WARN_BEFORE, lead) : warnBefore;
    return new RenewalPlan(leaseTtl, renewAt, renewBefore, jitter, chosenOverlap, warn,
        retryFirst, retryMax, revokeOnClose);
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
