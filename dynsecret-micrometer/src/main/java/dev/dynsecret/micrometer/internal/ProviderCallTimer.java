package dev.dynsecret.micrometer.internal;

import dev.dynsecret.ProviderException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.function.Supplier;

/** Records {@code dynsecret.provider.calls} for one provider type. */
final class ProviderCallTimer {
  static final String SUCCESS = "success";
  static final String THROTTLED = "throttled";
  static final String TRANSIENT = "transient_failure";
  static final String DEFINITIVE = "definitive_failure";

  private final MeterRegistry registry;
  private final String type;

  ProviderCallTimer(MeterRegistry registry, String type) {
    this.registry = registry;
    this.type = type;
  }

  <T> T call(String operation, Supplier<T> call) {
    Timer.Sample sample = Timer.start(registry);
    try {
      T result = call.get();
      sample.stop(timer(operation, SUCCESS, "none"));
      return result;
    } catch (RuntimeException e) {
      sample.stop(timer(operation, outcome(e), e.getClass().getSimpleName()));
      throw e;
    }
  }

  void run(String operation, Runnable call) {
    call(operation, () -> {
      call.run();
      return null;
    });
  }

  /**
   * The outcome as the engine sees it: definitive failures are never retried; everything else
   * (including exceptions that are not provider exceptions) is transient; a transient failure that
   * says how long to wait (HTTP 429 or 503 with Retry-After) is the system throttling us.
   */
  static String outcome(RuntimeException e) {
    if (e instanceof ProviderException p) {
      if (!p.isTransient()) {
        return DEFINITIVE;
      }
      return p.retryAfter().isPresent() ? THROTTLED : TRANSIENT;
    }
    return TRANSIENT;
  }

  private Timer timer(String operation, String outcome, String exception) {
    return Timer.builder(MeterNames.PROVIDER_CALLS)
        .description("Calls to a provider's external system, by operation and outcome")
        .tag(MeterNames.TYPE, type)
        .tag(MeterNames.OPERATION, operation)
        .tag(MeterNames.OUTCOME, outcome)
        .tag(MeterNames.EXCEPTION, exception)
        .register(registry);
  }
}
