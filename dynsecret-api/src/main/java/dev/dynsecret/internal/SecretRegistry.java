package dev.dynsecret.internal;

import static dev.dynsecret.internal.Durations.format;

import dev.dynsecret.ConflictException;
import dev.dynsecret.DynamicSecret;
import dev.dynsecret.InvalidRequestException;
import dev.dynsecret.NotFoundException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dynamic secrets registered on this node, each bound to its provider connection. Definitions
 * are configuration, not stored: every node sharing a store registers the same ones.
 */
public final class SecretRegistry {
  private static final Logger log = LoggerFactory.getLogger(SecretRegistry.class);

  private final ProviderRegistry providers;
  private final ProviderSignals signals;
  private final Map<String, BoundSecret> secrets = new ConcurrentHashMap<>();

  public SecretRegistry(ProviderRegistry providers, ProviderSignals signals) {
    this.providers = providers;
    this.signals = signals;
  }

  public void register(DynamicSecret definition) {
    BoundSecret bound = bind(definition);
    if (secrets.putIfAbsent(definition.name(), bound) != null) {
      closeQuietly(bound);
      throw new ConflictException("a dynamic secret named '" + definition.name()
          + "' is registered already; use update to replace it");
    }
    log.info("Registered dynamic secret '{}' (provider {}, default TTL {}, max TTL {})",
        definition.name(), definition.providerType(), format(definition.defaultTtl()),
        format(definition.maxTtl()));
  }

  public void update(DynamicSecret definition) {
    require(definition.name());
    BoundSecret previous = secrets.put(definition.name(), bind(definition));
    if (previous != null) {
      closeQuietly(previous);
    }
    log.info("Updated dynamic secret '{}'", definition.name());
  }

  /** Unregisters {@code bound} if it is still the registered binding, and closes it. */
  public void unregister(BoundSecret bound) {
    if (secrets.remove(bound.name(), bound)) {
      closeQuietly(bound);
    }
  }

  private BoundSecret bind(DynamicSecret definition) {
    return BoundSecret.bind(definition, providers.get(definition.providerType()),
        signals.contextFor(definition.name()));
  }

  /**
   * The binding of {@code name}.
   *
   * @throws InvalidRequestException if the name is missing
   * @throws NotFoundException if no secret of that name is registered
   */
  public BoundSecret require(@Nullable String name) {
    if (name == null) {
      throw new InvalidRequestException("secretName", "is required");
    }
    BoundSecret bound = secrets.get(name);
    if (bound == null) {
      throw new NotFoundException("no dynamic secret named " + Texts.quoted(name)
          + " is registered; registered: " + secrets.keySet());
    }
    return bound;
  }

  /** The binding of {@code name}, or null if it is not registered here. */
  public @Nullable BoundSecret get(String name) {
    return secrets.get(name);
  }

  public Optional<DynamicSecret> definition(String name) {
    return Optional.ofNullable(secrets.get(name)).map(BoundSecret::definition);
  }

  public List<DynamicSecret> definitions() {
    return secrets.values().stream().map(BoundSecret::definition).toList();
  }

  public List<String> names() {
    return List.copyOf(secrets.keySet());
  }

  /** Closes every connection; the registry is empty afterwards. */
  public void closeAll() {
    secrets.values().forEach(SecretRegistry::closeQuietly);
    secrets.clear();
  }

  private static void closeQuietly(BoundSecret bound) {
    try {
      bound.connection().close();
    } catch (RuntimeException e) {
      log.warn("Closing the provider connection of dynamic secret '{}' failed: {}", bound.name(),
          e.toString());
    }
  }
}
