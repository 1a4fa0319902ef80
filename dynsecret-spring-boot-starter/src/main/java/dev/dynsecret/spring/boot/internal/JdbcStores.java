package dev.dynsecret.spring.boot.internal;

import dev.dynsecret.InvalidRequestException;
import dev.dynsecret.jdbc.JdbcLeaseStore;
import dev.dynsecret.spi.LeaseStore;
import dev.dynsecret.spring.boot.DynsecretProperties;
import dev.dynsecret.spring.boot.InvalidDynsecretPropertyException;
import javax.sql.DataSource;

/** The JDBC store; only loaded when {@code dynsecret.store.type=jdbc} and the module is present. */
final class JdbcStores {
  private JdbcStores() {}

  static LeaseStore create(DataSource dataSource, DynsecretProperties.Store store) {
    try {
      return JdbcLeaseStore.builder(dataSource)
          .tablePrefix(store.getTablePrefix())
          .createSchema(store.isCreateSchema())
          .build();
    } catch (InvalidRequestException e) {
      String property = e.field().equals("tablePrefix") ? "dynsecret.store.table-prefix"
          : "dynsecret.store.type";
      String message = String.valueOf(e.getMessage());
      String prefix = e.field() + ": ";
      throw new InvalidDynsecretPropertyException(property,
          message.startsWith(prefix) ? message.substring(prefix.length()) : message, e);
    }
  }
}
