/**
 * Tools to test dynsecret and code built on it: the contract suites every store ({@link
 * dev.dynsecret.testkit.LeaseStoreContract}, {@link dev.dynsecret.testkit.LeaseManagerContract})
 * and every provider ({@link dev.dynsecret.testkit.ProviderContract}) must pass, and the parts
 * tests are built from ({@link dev.dynsecret.testkit.TestClock}, {@link
 * dev.dynsecret.testkit.RecordingProvider}, {@link dev.dynsecret.testkit.FlakyLeaseStore}). The
 * IBM API Connect simulator is in {@code dynsecret-apic-simulator}.
 */
package dev.dynsecret.testkit;
