/**
 * The SPI for extending dynsecret: {@link dev.dynsecret.spi.DynamicSecretProvider} for a new kind of
 * external system, {@link dev.dynsecret.spi.LeaseStore} for a new place to keep leases. Host
 * applications do not need it.
 *
 * <p>Null is not allowed unless a type says {@code @Nullable}.
 */
@NullMarked
package dev.dynsecret.spi;

import org.jspecify.annotations.NullMarked;
