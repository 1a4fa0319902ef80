package dev.dynsecret.cli;

import dev.dynsecret.InvalidRequestException;
import dev.dynsecret.LeaseManager;
import dev.dynsecret.Secret;
import dev.dynsecret.StoreException;
import dev.dynsecret.cli.CliConfig.SecretEntry;
import dev.dynsecret.jdbc.JdbcLeaseStore;
import java.net.InetAddress;
import java.net.UnknownHostException;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * One command's connection to the store and its lease manager, with every dynamic secret of the
 * configuration file registered. The manager's background work is never started: the command
 * does what it was asked and exits; the applications' managers expire leases.
 */
final class Session implements AutoCloseable {
  /** The store used when neither {@code --store}, the environment nor the file names one. */
  static final String DEFAULT_STORE_URL = "jdbc:h2:file:./data/dynsecret";

  private final CliConfig config;
  private final LeaseManager manager;
  private final String storeUrl;

  private Session(CliConfig config, LeaseManager manager, String storeUrl) {
    this.config = config;
    this.manager = manager;
    this.storeUrl = storeUrl;
  }

  /**
   * Opens the store and registers the secrets.
   *
   * @param storeOption the {@code --store} value, or null
   * @throws ConfigException if the store URL or a secret's provider configuration is bad
   * @throws StoreException if the store cannot be reached
   */
  static Session open(CliConfig config, String storeOption, Environment env) {
    String url = firstOf(storeOption, env.get("DYNSECRET_STORE_URL"), config.store().url(),
        DEFAULT_STORE_URL);
    String user = firstOf(env.get("DYNSECRET_STORE_USER"), config.store().user(), null, null);
    Secret password = config.store().password();
    if (password == null && env.get("DYNSECRET_STORE_PASSWORD") != null) {
      password = Secret.of(env.get("DYNSECRET_STORE_PASSWORD"));
    }
    DataSource dataSource = dataSource(url, user, password);
    JdbcLeaseStore.Builder store = JdbcLeaseStore.builder(dataSource).createSchema(true)
        .useDatabaseClock(env.databaseClock());
    if (config.store().tablePrefix() != null) {
      store.tablePrefix(config.store().tablePrefix());
    }
    JdbcLeaseStore built;
    try {
      built = store.build();
    } catch (StoreException e) {
      throw new StoreException("the lease store " + url + " is unavailable: " + e.getMessage()
          + hint(url), e);
    } catch (InvalidRequestException e) {
      throw new ConfigException("store: " + e.getMessage());
    }
    LeaseManager manager = LeaseManager.builder()
        .store(built)
        .clock(env.clock())
        .nodeId(nodeId())
        .build();
    try {
      for (SecretEntry secret : config.secrets()) {
        register(manager, config, secret);
      }
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
    return new Session(config, manager, url);
  }

  private static void register(LeaseManager manager, CliConfig config, SecretEntry secret) {
    String at = "secrets." + secret.name();
    try {
      manager.register(secret.definition());
    } catch (InvalidRequestException e) {
      String field = e.field();
      if (field.equals("providerType") || field.equals("provider")) {
        throw ConfigException.at(config.file(), secret.providerLine(), at + ".provider",
            CliConfig.ruleOf(e));
      }
      // The provider checks its configuration keys; point at the key's line.
      throw ConfigException.at(config.file(), secret.lineOf(field), at + ".config." + field,
          CliConfig.ruleOf(e));
    }
  }

  private static DataSource dataSource(String url, String user, Secret password) {
    if (url.startsWith("jdbc:h2:")) {
      JdbcDataSource h2 = new JdbcDataSource();
      h2.setURL(url);
      h2.setUser(user == null ? "" : user);
      h2.setPassword(password == null ? "" : password.reveal());
      return h2;
    }
    if (url.startsWith("jdbc:postgresql:")) {
      if (url.toLowerCase(java.util.Locale.ROOT).contains("password=")) {
        throw new ConfigException("store URL: must not hold a password (it would show in process"
            + " lists and shell history); set store.password: ${env:NAME} in the configuration"
            + " file or DYNSECRET_STORE_PASSWORD");
      }
      PGSimpleDataSource postgres = new PGSimpleDataSource();
      try {
        postgres.setURL(url);
      } catch (IllegalArgumentException e) {
        throw new ConfigException("store URL: not a valid PostgreSQL JDBC URL (" + e.getMessage()
            + "); e.g. jdbc:postgresql://db.example.com:5432/app");
      }
      if (user != null) {
        postgres.setUser(user);
      }
      if (password != null) {
        postgres.setPassword(password.reveal());
      }
      return postgres;
    }
    throw new ConfigException("store URL: must start with jdbc:h2: or jdbc:postgresql:; was '"
        + Texts.shown(url) + "' (set by --store, DYNSECRET_STORE_URL or store.url)");
  }

  private static String hint(String url) {
    if (url.startsWith("jdbc:h2:file:")) {
      return ". An H2 file is opened by one process at a time: stop the application using it, or"
          + " add ;AUTO_SERVER=TRUE to the URL in the application and here";
    }
    return ". Check --store / DYNSECRET_STORE_URL, the user and password, and that the database"
        + " is running";
  }

  private static String firstOf(String a, String b, String c, String d) {
    return a != null ? a : b != null ? b : c != null ? c : d;
  }

  /** Named so that a lease's {@code claimedBy} shows an operator's command did it. */
  private static String nodeId() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      host = "unknown-host";
    }
    return "dynsecret-cli@" + host + "#" + ProcessHandle.current().pid();
  }

  CliConfig config() {
    return config;
  }

  LeaseManager manager() {
    return manager;
  }

  String storeUrl() {
    return storeUrl;
  }

  @Override
  public void close() {
    manager.close();
  }
}
