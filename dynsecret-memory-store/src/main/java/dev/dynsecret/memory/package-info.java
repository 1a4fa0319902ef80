/**
 * {@link dev.dynsecret.memory.MemoryLeaseStore}: the in-memory lease store, for one application
 * instance and for tests.
 *
 * <p>Null is not allowed unless a type says {@code @Nullable}.
 */
@NullMarked
package dev.dynsecret.memory;

import org.jspecify.annotations.NullMarked;
