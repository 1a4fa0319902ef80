package dev.dynsecret.internal;

import dev.dynsecret.DynamicSecret;
import dev.dynsecret.Lease;
import dev.dynsecret.spi.CreatedCredential;
import dev.dynsecret.spi.DynamicSecretProvider;
import dev.dynsecret.spi.ManagedCredential;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** A registered dynamic secret with its provider and the handle the provider built for it. */
public final class BoundSecret<C> {
  private final DynamicSecret definition;
  private final DynamicSecretProvider<C> provider;
  private final C handle;

  private BoundSecret(DynamicSecret definition, DynamicSecretProvider<C> provider, C handle) {
    this.definition = definition;
    this.provider = provider;
    this.handle = handle;
  }

  /** Validates the definition's configuration through the provider and binds the two. */
  public static <C> BoundSecret<C> bind(DynamicSecret definition, DynamicSecretProvider<C> provider) {
    return new BoundSecret<>(definition, provider, provider.connect(definition.providerConfig()));
  }

  public DynamicSecret definition() {
    return definition;
  }

  public CreatedCredential create(Lease lease) {
    return provider.create(handle, lease);
  }

  public void revoke(Lease lease) {
    provider.revoke(handle, lease);
  }

  public void renew(Lease lease, Instant newExpiry) {
    provider.renew(handle, lease, newExpiry);
  }

  public Optional<String> find(Lease lease) {
    return provider.find(handle, lease);
  }

  public List<ManagedCredential> list() {
    return provider.list(handle);
  }

  public void verify() {
    provider.verify(handle);
  }

  public void close() {
    provider.close(handle);
  }
}
