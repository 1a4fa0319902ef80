/**
 * The JDBC store's dialects, SQL, row mapping and schema scripts. Not API: the module does not
 * export it.
 *
 * <p>Null is not allowed unless a type says {@code @Nullable}.
 */
@NullMarked
package dev.dynsecret.jdbc.internal;

import org.jspecify.annotations.NullMarked;
