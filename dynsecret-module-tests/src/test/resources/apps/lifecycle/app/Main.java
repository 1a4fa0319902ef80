package app;

import dev.dynsecret.CreatedLease;
import dev.dynsecret.DynamicSecret;
import dev.dynsecret.Lease;
import dev.dynsecret.LeaseManager;
import dev.dynsecret.LeaseQuery;
import dev.dynsecret.ProviderConfig;
import dev.dynsecret.jdbc.JdbcLeaseStore;
import dev.dynsecret.memory.MemoryLeaseStore;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Collectors;
import org.h2.jdbcx.JdbcConnectionPool;

/**
 * Creates, lists and revokes a lease of an IBM API Connect dynamic secret. Arguments: the store
 * ({@code memory} or {@code jdbc}, an in-memory H2 database) and a file to write the generated
 * client secret to (it is never printed). Waits for a line on stdin between create and revoke, so
 * that the caller can look at the APIC side.
 */
public final class Main {
  public static void main(String[] args) throws Exception {
    String storeKind = args[0];
    Path secretFile = Path.of(args[1]);
    System.out.println("modules: " + LeaseManager.class.getModule().getName() + ", "
        + MemoryLeaseStore.class.getModule().getName() + ", "
        + JdbcLeaseStore.class.getModule().getName() + "; provider module "
        + ModuleLayer.boot().findModule("dev.dynsecret.apic").map(Module::getName).orElse("absent")
        + "; annotations " + ModuleLayer.boot().findModule("org.jspecify").map(m -> "present")
            .orElse("absent"));

    LeaseManager.Builder builder = LeaseManager.builder();
    if (storeKind.equals("jdbc")) {
      JdbcConnectionPool pool = JdbcConnectionPool.create("jdbc:h2:mem:app;DB_CLOSE_DELAY=-1", "sa", "");
      builder.store(JdbcLeaseStore.builder(pool).createSchema(true).build());
    } else {
      builder.store(new MemoryLeaseStore());
    }
    try (LeaseManager leases = builder.build()) {
      leases.register(DynamicSecret.builder("orders-api")
          .provider("ibm-api-connect", ProviderConfig.builder()
              .put("url", System.getenv("DYNSECRET_APIC_URL"))
              .put("apiKey", System.getenv("DYNSECRET_APIC_API_KEY"))
              .put("clientId", System.getenv("DYNSECRET_APIC_CLIENT_ID"))
              .put("clientSecret", System.getenv("DYNSECRET_APIC_CLIENT_SECRET"))
              .put("org", System.getenv("DYNSECRET_APIC_ORG"))
              .put("catalog", System.getenv("DYNSECRET_APIC_CATALOG"))
              .put("app", System.getenv("DYNSECRET_APIC_APP"))
              .build())
          .defaultTtl(Duration.ofHours(1))
          .build());

      CreatedLease created = leases.create("orders-api");
      Lease lease = created.lease();
      Files.writeString(secretFile, created.secretData().get("CLIENT_SECRET").reveal());
      System.out.println("created " + lease.id() + " " + lease.state() + " clientId="
          + created.secretData().get("CLIENT_ID").reveal());

      System.out.println("listed " + leases.list(LeaseQuery.bySecret("orders-api", 10)).items()
          .stream().map(l -> l.id() + " " + l.state()).collect(Collectors.joining(", ")));

      System.out.println("waiting");
      String command = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
          .readLine();
      if (!"revoke".equals(command)) {
        System.out.println("told " + command + "; stopping without revoking");
        System.exit(2);
      }
      Lease revoked = leases.revoke(lease.id());
      System.out.println("revoked " + revoked.id() + " " + revoked.state() + " "
          + revoked.revokeReason());
    }
    System.out.println("done");
  }
}
