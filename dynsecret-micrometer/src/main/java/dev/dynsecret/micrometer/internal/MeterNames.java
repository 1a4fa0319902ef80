package dev.dynsecret.micrometer.internal;

/** Every meter name and tag key the module uses, in one place so the README can match it. */
public final class MeterNames {
  private MeterNames() {}

  public static final String CREATED = "dynsecret.leases.created";
  public static final String RENEWED = "dynsecret.leases.renewed";
  public static final String REVOKED = "dynsecret.leases.revoked";
  public static final String REVOCATION_FAILURES = "dynsecret.revocations.failed";
  public static final String ORPHANS_DELETED = "dynsecret.orphans.deleted";
  public static final String LEASES = "dynsecret.leases.current";
  public static final String PROVIDER_CALLS = "dynsecret.provider.calls";
  public static final String PROVIDER_THROTTLED = "dynsecret.provider.throttled";
  public static final String DUE_CALLS_IN_FLIGHT = "dynsecret.due.calls.inflight";
  public static final String DUE_CALLS_LIMIT = "dynsecret.due.calls.limit";

  public static final String SECRET = "secret";
  public static final String REASON = "reason";
  public static final String OUTCOME = "outcome";
  public static final String STATE = "state";
  public static final String TYPE = "type";
  public static final String OPERATION = "operation";
  public static final String EXCEPTION = "exception";
  public static final String NODE = "node";

  /** An enum constant as a tag value: {@code REVOCATION_FAILED} → {@code revocation_failed}. */
  public static String tagValue(Enum<?> value) {
    return value.name().toLowerCase(java.util.Locale.ROOT);
  }
}
