package dev.dynsecret.jdbc;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/**
 * Wraps a real data source and counts what goes through JDBC: connections borrowed, statements
 * executed and rows read from result sets. No database behaviour is changed or faked.
 */
final class CountingDataSource {
  final AtomicLong connections = new AtomicLong();
  final AtomicLong statements = new AtomicLong();
  final AtomicLong rowsRead = new AtomicLong();
  private final DataSource dataSource;

  CountingDataSource(DataSource real) {
    this.dataSource = wrap(DataSource.class, real);
  }

  DataSource dataSource() {
    return dataSource;
  }

  void reset() {
    connections.set(0);
    statements.set(0);
    rowsRead.set(0);
  }

  @Override
  public String toString() {
    return connections + " connections, " + statements + " statements, " + rowsRead + " rows read";
  }

  private <T> T wrap(Class<T> type, T target) {
    InvocationHandler handler = (proxy, method, args) -> {
      Object result;
      try {
        result = method.invoke(target, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
      String name = method.getName();
      if (name.startsWith("execute")) {
        statements.incrementAndGet();
      }
      if (result instanceof Connection c) {
        connections.incrementAndGet();
        return wrap(Connection.class, c);
      }
      if (result instanceof java.sql.PreparedStatement p) {
        return wrap(java.sql.PreparedStatement.class, p);
      }
      if (result instanceof Statement s) {
        return wrap(Statement.class, s);
      }
      if (result instanceof ResultSet rs) {
        return wrap(ResultSet.class, rs);
      }
      if (target instanceof ResultSet && name.equals("next") && Boolean.TRUE.equals(result)) {
        rowsRead.incrementAndGet();
      }
      return result;
    };
    return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler));
  }
}
