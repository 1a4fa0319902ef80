package dev.dynsecret.spring.boot;

import dev.dynsecret.LeaseManager;

/**
 * Changes the {@link LeaseManager.Builder} the starter configured from properties before the
 * manager is built: a bean of this type is applied to it (in {@code @Order}), for settings that
 * properties cannot carry, such as a {@link java.time.Clock} or a thread factory.
 */
@FunctionalInterface
public interface LeaseManagerCustomizer {
  /**
   * Changes {@code builder}; called once, before {@link LeaseManager.Builder#build()}.
   *
   * @param builder the builder, with the properties already applied
   */
  void customize(LeaseManager.Builder builder);
}
