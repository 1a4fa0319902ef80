/**
 * {@link dev.dynsecret.jdbc.JdbcLeaseStore}: the lease store on a JDBC {@link javax.sql.DataSource}
 * (H2, PostgreSQL), for several application instances sharing one database.
 *
 * <p>Null is not allowed unless a type says {@code @Nullable}.
 */
@NullMarked
package dev.dynsecret.jdbc;

import org.jspecify.annotations.NullMarked;
