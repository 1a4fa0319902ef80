package dev.dynsecret.micrometer.internal;

import dev.dynsecret.ProviderConfig;
import dev.dynsecret.spi.DynamicSecretProvider;
import dev.dynsecret.spi.ProviderConnection;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * A provider whose connections time every call to the external system. {@link #connect} itself
 * is not timed: it must not call the system.
 */
public final class TimedProvider implements DynamicSecretProvider {
  private final DynamicSecretProvider delegate;
  private final ProviderCallTimer timer;

  public TimedProvider(DynamicSecretProvider delegate, MeterRegistry registry) {
    this.delegate = delegate;
    this.timer = new ProviderCallTimer(registry, delegate.type());
  }

  @Override
  public String type() {
    return delegate.type();
  }

  @Override
  public ProviderConnection connect(ProviderConfig config) {
    return new TimedConnection(delegate.connect(config), timer);
  }

  /** The provider being timed, for logs that say which provider was chosen. */
  public DynamicSecretProvider delegate() {
    return delegate;
  }

  @Override
  public String toString() {
    return "timed " + delegate;
  }
}
