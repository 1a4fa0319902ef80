/**
 * The API host applications use: {@link dev.dynsecret.LeaseManager}, {@link dev.dynsecret.DynamicSecret},
 * {@link dev.dynsecret.Lease} and the values and exceptions around them.
 *
 * <p>Null is not allowed unless a type says {@code @Nullable}.
 */
@NullMarked
package dev.dynsecret;

import org.jspecify.annotations.NullMarked;
