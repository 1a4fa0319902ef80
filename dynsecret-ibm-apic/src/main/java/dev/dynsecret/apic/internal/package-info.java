/**
 * The IBM API Connect provider's HTTP exchange, token cache, settings and error mapping. Not API:
 * the module does not export it.
 *
 * <p>Null is not allowed unless a type says {@code @Nullable}.
 */
@NullMarked
package dev.dynsecret.apic.internal;

import org.jspecify.annotations.NullMarked;
