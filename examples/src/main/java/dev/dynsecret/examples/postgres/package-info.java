/**
 * A second provider, written the way a provider author outside this project would write one:
 * PostgreSQL login roles as dynamic secrets, using only the public SPI ({@link
 * dev.dynsecret.spi.DynamicSecretProvider}). It is the worked example of {@code
 * docs/writing-a-provider.md}.
 */
package dev.dynsecret.examples.postgres;
