/**
 * {@link dev.dynsecret.memory.MemoryLeaseStore}: the in-memory lease store, for one application
 * instance and for tests.
 */
package dev.dynsecret.memory;
