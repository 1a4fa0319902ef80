package dev.dynsecret.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.UUID;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;

/**
 * A fresh in-memory H2 database. H2 drops an in-memory database when its last connection closes,
 * and the store closes every connection it opens, so this keeps one open until {@link #close()}.
 */
final class H2Database implements AutoCloseable {
  private final JdbcDataSource dataSource = new JdbcDataSource();
  private final Connection keepAlive;

  H2Database() {
    dataSource.setURL("jdbc:h2:mem:dynsecret-" + UUID.randomUUID());
    dataSource.setUser("sa");
    try {
      keepAlive = dataSource.getConnection();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  DataSource dataSource() {
    return dataSource;
  }

  String url() {
    return dataSource.getURL();
  }

  @Override
  public void close() {
    try {
      keepAlive.close();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
