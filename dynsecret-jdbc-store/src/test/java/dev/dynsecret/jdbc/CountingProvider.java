package dev.dynsecret.jdbc;

import dev.dynsecret.Lease;
import dev.dynsecret.Secret;
import dev.dynsecret.SecretData;
import dev.dynsecret.spi.CreatedCredential;
import dev.dynsecret.spi.DynamicSecretProvider;
import dev.dynsecret.spi.ProviderConfig;
import dev.dynsecret.testkit.logs.SecretsUsed;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** A provider that makes nothing real and counts revoke calls per lease. */
final class CountingProvider implements DynamicSecretProvider<ProviderConfig> {
  static final String TYPE = "counting";

  final Map<String, AtomicInteger> revokes = new ConcurrentHashMap<>();

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public ProviderConfig connect(ProviderConfig config) {
    return config;
  }

  @Override
  public CreatedCredential create(ProviderConfig handle, Lease lease) {
    String secret = "s-" + lease.id();
    SecretsUsed.record(secret);
    return new CreatedCredential("ext-" + lease.id(),
        SecretData.of(Map.of("CLIENT_SECRET", Secret.of(secret))),
        Map.of("credentialName", "dynsecret-" + lease.id()));
  }

  @Override
  public void revoke(ProviderConfig handle, Lease lease) {
    revokes.computeIfAbsent(lease.id(), id -> new AtomicInteger()).incrementAndGet();
  }

  @Override
  public Optional<String> find(ProviderConfig handle, Lease lease) {
    return Optional.empty();
  }

  @Override
  public void verify(ProviderConfig handle) {}

  int revokeCalls(String leaseId) {
    AtomicInteger calls = revokes.get(leaseId);
    return calls == null ? 0 : calls.get();
  }

  int totalRevokeCalls() {
    return revokes.values().stream().mapToInt(AtomicInteger::get).sum();
  }
}
