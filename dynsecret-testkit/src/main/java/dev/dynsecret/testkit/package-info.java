/**
 * Tools to test dynsecret and code built on it. {@link dev.dynsecret.testkit.LeaseStoreContract}
 * is the suite every {@link dev.dynsecret.spi.LeaseStore} implementation must pass.
 */
package dev.dynsecret.testkit;
