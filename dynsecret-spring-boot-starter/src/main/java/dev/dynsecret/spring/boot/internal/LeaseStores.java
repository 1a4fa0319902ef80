package dev.dynsecret.spring.boot.internal;

import dev.dynsecret.memory.MemoryLeaseStore;
import dev.dynsecret.spi.LeaseStore;
import dev.dynsecret.spring.boot.DynsecretProperties;
import dev.dynsecret.spring.boot.InvalidDynsecretPropertyException;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.springframework.util.ClassUtils;

/** Builds the store {@code dynsecret.store.type} names. */
public final class LeaseStores {
  private static final String JDBC_STORE = "dev.dynsecret.jdbc.JdbcLeaseStore";

  private LeaseStores() {}

  /**
   * @throws InvalidDynsecretPropertyException if {@code jdbc} is asked for without the module or
   *     without a data source
   */
  public static LeaseStore create(DynsecretProperties.Store store, @Nullable DataSource dataSource,
      ClassLoader classLoader) {
    switch (store.getType()) {
      case MEMORY:
        return new MemoryLeaseStore();
      case JDBC:
        if (!ClassUtils.isPresent(JDBC_STORE, classLoader)) {
          throw new InvalidDynsecretPropertyException("dynsecret.store.type",
              "jdbc needs dev.dynsecret:dynsecret-jdbc-store on the class path", null);
        }
        if (dataSource == null) {
          throw new InvalidDynsecretPropertyException("dynsecret.store.type",
              "jdbc needs a DataSource bean (for example spring.datasource.url and a driver), and"
                  + " the application has none", null);
        }
        return JdbcStores.create(dataSource, store);
      default:
        throw new IllegalStateException("unknown store type " + store.getType());
    }
  }

  /** Whether leases are lost when the process ends, so shutdown should revoke them by default. */
  public static boolean isVolatile(LeaseStore store) {
    return store instanceof MemoryLeaseStore;
  }
}
