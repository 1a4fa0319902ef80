/**
 * The engine behind {@link dev.dynsecret.LeaseManager}, in parts. Not API: the module does not
 * export it, and it changes without notice.
 *
 * <p>Null is not allowed unless a type says {@code @Nullable}.
 */
@NullMarked
package dev.dynsecret.internal;

import org.jspecify.annotations.NullMarked;
