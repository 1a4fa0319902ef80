package dev.dynsecret.micrometer.internal;

import dev.dynsecret.Lease;
import dev.dynsecret.spi.CreatedCredential;
import dev.dynsecret.spi.CredentialListing;
import dev.dynsecret.spi.CredentialLookup;
import dev.dynsecret.spi.CredentialRef;
import dev.dynsecret.spi.ExpiryRenewal;
import dev.dynsecret.spi.ProviderConnection;
import java.util.Optional;

/**
 * Times each call of a connection and passes it on unchanged: same results, same exceptions, the
 * same optional abilities (an ability the connection lacks stays absent). A method added to
 * {@link ProviderConnection} later must be forwarded here too, or the wrapped connection's own
 * implementation of it would be hidden behind the default.
 */
final class TimedConnection implements ProviderConnection {
  private final ProviderConnection delegate;
  private final ProviderCallTimer timer;

  TimedConnection(ProviderConnection delegate, ProviderCallTimer timer) {
    this.delegate = delegate;
    this.timer = timer;
  }

  @Override
  public CreatedCredential create(Lease lease) {
    return timer.call("create", () -> delegate.create(lease));
  }

  @Override
  public void revoke(CredentialRef credential) {
    timer.run("revoke", () -> delegate.revoke(credential));
  }

  @Override
  public void verify() {
    timer.run("verify", delegate::verify);
  }

  @Override
  public Optional<CredentialLookup> lookup() {
    return delegate.lookup().map(lookup -> credential -> timer.call("lookup", () -> lookup.find(credential)));
  }

  @Override
  public Optional<CredentialListing> listing() {
    return delegate.listing().map(listing -> () -> timer.call("list", listing::list));
  }

  @Override
  public Optional<ExpiryRenewal> renewal() {
    return delegate.renewal().map(renewal -> (lease, newExpiry) ->
        timer.run("renew", () -> renewal.renew(lease, newExpiry)));
  }

  @Override
  public void close() {
    delegate.close();
  }
}
