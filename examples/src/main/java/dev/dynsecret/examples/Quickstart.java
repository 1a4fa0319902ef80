package dev.dynsecret.examples;

import dev.dynsecret.CreatedLease;
import dev.dynsecret.DynamicSecret;
import dev.dynsecret.Lease;
import dev.dynsecret.LeaseListener;
import dev.dynsecret.LeaseManager;
import dev.dynsecret.LeaseState;
import dev.dynsecret.Secret;
import dev.dynsecret.apic.ApiConnectProvider;
import dev.dynsecret.memory.MemoryLeaseStore;
import dev.dynsecret.LeaseQuery;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The quickstart: the whole life of IBM API Connect leases in one run.
 *
 * <p>It registers an IBM API Connect dynamic secret, creates leases (printing the client ID, the
 * client secret masked, and the expiry), lists them, renews one, revokes one, lets a short-lived
 * lease expire and shows that the engine revoked it, and ends with no credential left on the APIC
 * side.
 *
 * <p>With no set-up it runs against the APIC simulator from {@code dynsecret-testkit}. Set the
 * {@code DYNSECRET_APIC_*} variables (see {@link ApicTarget}) to run it against a real APIC.
 */
public final class Quickstart {
  private static final String SECRET = "quickstart";

  private Quickstart() {}

  public static void main(String[] args) throws Exception {
    try (ApicTarget apic = ApicTarget.fromEnvironment(System.getenv())) {
      run(apic);
    }
  }

  static void run(ApicTarget apic) throws InterruptedException {
    say("IBM API Connect: %s", apic.description());
    CountDownLatch expired = new CountDownLatch(1);
    List<String> created = new ArrayList<>();

    try (LeaseManager leases = LeaseManager.builder()
        .store(new MemoryLeaseStore())
        .pollInterval(Duration.ofMillis(200))
        .listener(new LeaseListener() {
          @Override
          public void expired(Lease lease) {
            expired.countDown();
          }
        })
        .build()) {

      leases.register(DynamicSecret.builder(SECRET)
          .provider(ApiConnectProvider.TYPE, apic.config())
          .defaultTtl(Duration.ofMinutes(15))
          .maxTtl(Duration.ofHours(1))
          .build());
      leases.verify(SECRET);
      say("Registered dynamic secret '%s' and verified its configuration", SECRET);

      CreatedLease first = leases.create(SECRET);
      created.add(first.lease().id());
      printCreated(first);
      CreatedLease second = leases.create(SECRET, Duration.ofMinutes(5));
      created.add(second.lease().id());
      printCreated(second);

      say("Leases of '%s':", SECRET);
      for (Lease lease : leases.list(LeaseQuery.bySecret(SECRET, 100)).items()) {
        say("  %s  %-7s expires %s", lease.id(), lease.state(), seconds(lease.expiresAt()));
      }

      Lease renewed = leases.renew(first.lease().id(), Duration.ofMinutes(30));
      say("Renewed %s: now expires %s (hard limit %s)", renewed.id(),
          seconds(renewed.expiresAt()), seconds(renewed.hardLimitAt()));

      Lease revoked = leases.revoke(second.lease().id());
      say("Revoked %s: %s, credential deleted from APIC", revoked.id(), revoked.state());

      CreatedLease shortLived = leases.create(SECRET, Duration.ofSeconds(2));
      created.add(shortLived.lease().id());
      say("Created %s with a 2 s TTL; starting background expiry and waiting for it...",
          shortLived.lease().id());
      leases.start();
      if (!expired.await(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the short-lived lease did not expire within 60 s");
      }
      Lease gone = leases.get(shortLived.lease().id());
      say("The engine revoked %s on expiry: %s (%s)", gone.id(), gone.state(), gone.revokeReason());

      int rest = leases.revokeAll(SECRET);
      say("Revoked the %d remaining lease(s)", rest);

      long live = created.stream().map(leases::get).filter(l -> l.state() != LeaseState.REVOKED).count();
      int left = apic.credentialsLeft();
      say("Leases not revoked: %d; dynsecret credentials left on the APIC application: %d", live, left);
      apic.tokenRequests().ifPresent(n -> say("Token requests for the whole run: %d", n));
      if (live != 0 || left != 0) {
        throw new IllegalStateException("credentials were left behind");
      }
    }
    say("Done.");
  }

  private static void printCreated(CreatedLease created) {
    Lease lease = created.lease();
    Secret clientId = created.secretData().get(ApiConnectProvider.CLIENT_ID);
    Secret clientSecret = created.secretData().get(ApiConnectProvider.CLIENT_SECRET);
    say("Created lease %s", lease.id());
    say("  CLIENT_ID     %s", clientId.reveal());
    say("  CLIENT_SECRET %s", clientSecret.masked(4));
    say("  expires       %s", seconds(lease.expiresAt()));
  }

  private static Instant seconds(Instant instant) {
    return instant.truncatedTo(ChronoUnit.SECONDS);
  }

  private static void say(String format, Object... args) {
    System.out.println("quickstart> " + String.format(format, args));
  }
}
