package dev.dynsecret.internal;

import static dev.dynsecret.internal.Engine.SECRET;
import static dev.dynsecret.internal.Engine.T0;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynsecret.ConflictException;
import dev.dynsecret.CreatedLease;
import dev.dynsecret.DefinitiveProviderException;
import dev.dynsecret.InvalidRequestException;
import dev.dynsecret.InvalidTtlException;
import dev.dynsecret.LeaseLimitExceededException;
import dev.dynsecret.LeaseState;
import dev.dynsecret.NotFoundException;
import dev.dynsecret.OrphanSweepReport;
import dev.dynsecret.PartialRevocationException;
import dev.dynsecret.ReconciliationReport;
import dev.dynsecret.RevokeReason;
import dev.dynsecret.TransientProviderException;
import dev.dynsecret.spi.LeaseRecord;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The engine's parts one at a time, over a simple store and a provider without optional abilities.
 * The whole lifecycle across real stores is LeaseManagerContract's job (dynsecret-testkit).
 */
class PartsTest {
  private final Engine engine = new Engine();

  @Nested
  class SecretRegistryPart {
    @Test
    void registeringANameTwiceIsAConflictAndClosesTheSecondConnection() {
      ConflictException e = assertThrows(ConflictException.class,
          () -> engine.secrets.register(Engine.definition(SECRET).build()));
      assertTrue(e.getMessage().contains("'orders-api' is registered already"), e.getMessage());
      assertEquals(2, engine.provider.connections());
      assertEquals(1, engine.provider.closedConnections());
    }

    @Test
    void updatingReplacesTheConnectionAndClosesTheOldOne() {
      engine.secrets.update(Engine.definition(SECRET).defaultTtl(Duration.ofMinutes(5)).build());
      assertEquals(Duration.ofMinutes(5), engine.secrets.require(SECRET).definition().defaultTtl());
      assertEquals(1, engine.provider.closedConnections());
    }

    @Test
    void anUnknownNameIsNotFoundAndNamesTheRegisteredOnes() {
      NotFoundException e = assertThrows(NotFoundException.class, () -> engine.secrets.require("billing"));
      assertEquals("no dynamic secret named 'billing' is registered; registered: [orders-api]",
          e.getMessage());
      assertEquals("secretName", assertThrows(InvalidRequestException.class,
          () -> engine.secrets.require(null)).field());
    }
  }

  @Nested
  class CreationPart {
    @Test
    void aTtlAboveTheMaxIsRefusedBeforeAnythingIsStored() {
      InvalidTtlException e = assertThrows(InvalidTtlException.class,
          () -> engine.creation.create(SECRET, Duration.ofHours(9)));
      assertEquals("ttl", e.field());
      assertEquals(0, engine.store.writes());
      assertEquals(Set.of(), engine.provider.live());
    }

    @Test
    void theLeaseLimitCountsPendingAndActiveLeases() {
      engine.secrets.update(Engine.definition(SECRET).leaseLimit(1).build());
      engine.creation.create(SECRET, null);
      LeaseLimitExceededException e = assertThrows(LeaseLimitExceededException.class,
          () -> engine.creation.create(SECRET, null));
      assertTrue(e.getMessage().contains("lease limit of 1"), e.getMessage());
      assertEquals(1, engine.store.all().size());
    }

    @Test
    void aDefinitiveFailureClosesTheLeaseAndATransientOneLeavesItForReconciliation() {
      engine.provider.failNextCreate(() -> new DefinitiveProviderException("403 Forbidden"));
      assertThrows(DefinitiveProviderException.class, () -> engine.creation.create(SECRET, null));
      engine.provider.failNextCreate(() -> new TransientProviderException("503 Service Unavailable"));
      TransientProviderException transientFailure = assertThrows(TransientProviderException.class,
          () -> engine.creation.create(SECRET, null));

      // Ids made in the same millisecond of a fixed clock are not ordered: look leases up by state.
      LeaseRecord refused = only(LeaseState.REVOKED);
      LeaseRecord inDoubt = only(LeaseState.PENDING);
      assertAll(
          () -> assertEquals(RevokeReason.CREATE_FAILED, refused.revokeReason()),
          () -> assertEquals(T0, inDoubt.dueAt(), "due now, for reconciliation"),
          () -> assertTrue(transientFailure.getMessage().contains("deleted by reconciliation")));
    }

    private LeaseRecord only(LeaseState state) {
      List<LeaseRecord> found = engine.store.all().stream().filter(l -> l.state() == state).toList();
      assertEquals(1, found.size(), () -> state + " leases: " + found);
      return found.get(0);
    }

    @Test
    void theCallerGetsTheSecretDataAndTheStoreNeverDoes() {
      CreatedLease created = engine.creation.create(SECRET, Duration.ofMinutes(10));
      assertEquals("token-" + created.lease().id(), created.secretData().get("TOKEN").reveal());
      assertEquals(T0.plus(Duration.ofMinutes(10)), created.lease().expiresAt());
      assertFalse(engine.store.all().get(0).toString().contains("token-"));
    }
  }

  @Nested
  class RevocationPart {
    @Test
    void aProviderWithoutLookupHasReconciliationRevokeByName() {
      engine.provider.failNextCreate(() -> new TransientProviderException("connection reset"));
      assertThrows(TransientProviderException.class, () -> engine.creation.create(SECRET, null));
      String id = engine.store.all().get(0).id();

      ReconciliationReport report = engine.reconciliation.reconcile();

      assertEquals(new ReconciliationReport(1, 1, 0, 0), report);
      assertEquals(List.of(id), engine.provider.revoked(), "revoked with no external id: by name");
      assertEquals(LeaseState.REVOKED, engine.store.find(id).orElseThrow().state());
    }

    @Test
    void revokeAllListsTheLeasesItCouldNotRevoke() {
      String first = engine.creation.create(SECRET, null).lease().id();
      String second = engine.creation.create(SECRET, null).lease().id();
      engine.provider.failNextRevokes(1, () -> new TransientProviderException("503"));

      PartialRevocationException e = assertThrows(PartialRevocationException.class,
          () -> engine.bulk.revokeAll(SECRET));

      // Leases are revoked in id order; which of the two met the failure does not matter.
      String failed = e.failedLeaseIds().get(0);
      String revoked = failed.equals(first) ? second : first;
      assertAll(
          () -> assertEquals(1, e.failedLeaseIds().size()),
          () -> assertTrue(Set.of(first, second).contains(failed)),
          () -> assertEquals(2, e.total()),
          () -> assertEquals(SECRET, e.secretName()),
          () -> assertEquals(LeaseState.REVOKED, engine.store.find(revoked).orElseThrow().state()),
          () -> assertEquals(LeaseState.ACTIVE, engine.store.find(failed).orElseThrow().state(),
              "still active, its retry scheduled"),
          () -> assertTrue(e.getMessage().startsWith("1 of 2 leases of dynamic secret 'orders-api'"
              + " could not be revoked now"), e.getMessage()));
    }

    @Test
    void removingWithForceUnregistersEvenWhenTheProviderRefuses() {
      String id = engine.creation.create(SECRET, null).lease().id();
      engine.provider.failNextRevokes(2, () -> new DefinitiveProviderException("403"));

      engine.bulk.remove(SECRET, true);

      assertEquals(LeaseState.REVOKED, engine.store.find(id).orElseThrow().state());
      assertTrue(engine.store.find(id).orElseThrow().lastError().startsWith("forced without"));
      assertThrows(NotFoundException.class, () -> engine.secrets.require(SECRET));
      assertEquals(1, engine.provider.closedConnections());
    }
  }

  @Nested
  class DueWorkPart {
    @Test
    void expiredLeasesAreRevokedAndOthersHandedBackUntilTheirExpiry() {
      String shortLived = engine.creation.create(SECRET, Duration.ofMinutes(1)).lease().id();
      String longLived = engine.creation.create(SECRET, Duration.ofHours(1)).lease().id();
      engine.clock.advance(Duration.ofMinutes(1));

      assertEquals(1, engine.due.process(true));

      assertEquals(RevokeReason.EXPIRED, engine.store.find(shortLived).orElseThrow().revokeReason());
      assertEquals(LeaseState.ACTIVE, engine.store.find(longLived).orElseThrow().state());
      assertEquals(List.of(shortLived), engine.provider.revoked());
    }
  }

  @Nested
  class OptionalAbilities {
    @Test
    void aProviderWithoutListingCannotBeSweptAndSaysSo() {
      OrphanSweepReport report = engine.orphans.sweep(SECRET, true);
      assertFalse(report.supported());
      assertEquals("the provider of dynamic secret 'orders-api' (stub) cannot list its credentials",
          report.message());
    }

    @Test
    void aProviderWithoutRenewalStillHasItsLeasesRenewedByTheEngine() {
      String id = engine.creation.create(SECRET, Duration.ofMinutes(10)).lease().id();
      engine.clock.advance(Duration.ofMinutes(5));

      LeaseRecord renewed = engine.renewal.renew(id, Duration.ofMinutes(30));

      assertEquals(T0.plus(Duration.ofMinutes(35)), renewed.expiresAt());
      assertEquals(renewed.expiresAt(), renewed.dueAt());
    }
  }
}
