package dev.dynsecret.apic;

import static dev.dynsecret.CredentialEvent.Type.CREATED;
import static dev.dynsecret.CredentialEvent.Type.EXPIRED;
import static dev.dynsecret.CredentialEvent.Type.EXPIRING;
import static dev.dynsecret.CredentialEvent.Type.PREVIOUS_REVOKED;
import static dev.dynsecret.CredentialEvent.Type.RECOVERED;
import static dev.dynsecret.CredentialEvent.Type.RENEWAL_FAILED;
import static dev.dynsecret.CredentialEvent.Type.RENEWED;
import static dev.dynsecret.CredentialEvent.Type.ROTATED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynsecret.CredentialEvent;
import dev.dynsecret.Lease;
import dev.dynsecret.ManagedCredential;
import dev.dynsecret.SecretData;
import dev.dynsecret.testkit.LogCapture;
import dev.dynsecret.apic.simulator.Fault;
import dev.dynsecret.apic.simulator.RequestKind;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.IntSummaryStatistics;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Days of simulated time, minute by minute on a {@code TestClock}, with a managed credential of
 * TTL 1 h and max TTL 8 h against the APIC simulator: provider faults, token loss, lost answers
 * and outages. Each minute the application's credential is tried at the simulated gateway.
 */
class ManagedCredentialWeekTest {
  private static final Duration MINUTE = Duration.ofMinutes(1);
  private static final Duration TTL = Duration.ofHours(1);
  private static final Duration MAX_TTL = Duration.ofHours(8);
  /**
   * Renew when 40% of the term has passed: a rotation then starts at least 36 minutes before the
   * hard limit, enough to ride out a 30-minute outage and still overlap for 5 minutes.
   */
  private static final double RENEW_AT = 0.4;

  /** One in five token, create and delete calls answered 503 by a proxy. */
  private static void everydayFaults(ManagedFixture apic) {
    apic.sim.faults().errorRate(0.2, Fault.status(503, Fault.BodyKind.HTML),
        RequestKind.TOKEN, RequestKind.CREATE_CREDENTIAL, RequestKind.DELETE_CREDENTIAL);
  }

  /** The platform down: every call answered 503. */
  private static void outage(ManagedFixture apic) {
    apic.sim.faults().errorRate(1.0, Fault.status(503, Fault.BodyKind.HTML));
  }

  private static ManagedCredential.Options options(ManagedFixture apic) {
    return ManagedCredential.options()
        .renewAt(RENEW_AT)
        .jitter(0.1)
        .overlap(Duration.ofMinutes(5))
        .listenerExecutor(Runnable::run)
        .listener(apic.events::add);
  }

  /**
   * Whether the next step (at {@link #RENEW_AT} of the term, up to a tenth of it earlier) cannot
   * be a renewal, as a full TTL no longer fits before the hard limit, and can come within a minute.
   */
  private static boolean rotationIsNext(ManagedCredential credential, Instant now) {
    Lease lease = credential.lease();
    Instant termStart = lease.renewedAt() != null ? lease.renewedAt() : lease.createdAt();
    long term = Duration.between(termStart, lease.expiresAt()).toMillis();
    Instant earliestStep = termStart.plusMillis((long) (term * RENEW_AT * 0.9));
    return Duration.between(earliestStep, lease.hardLimitAt()).compareTo(TTL) < 0
        && !now.isBefore(earliestStep.minus(MINUTE));
  }

  private static String clientId(SecretData data) {
    return data.get(ApiConnectProvider.CLIENT_ID).reveal();
  }

  @Test
  void aWeekWithFaultsAndAThirtyMinuteOutageNeverLeavesTheApplicationWithoutAWorkingCredential() {
    try (ManagedFixture apic = new ManagedFixture(TTL, MAX_TTL)) {
      ManagedCredential credential = apic.leases.manage(ManagedFixture.SECRET, options(apic));
      everydayFaults(apic);
      Instant start = apic.clock.instant();
      Instant outageStart = null;
      Instant outageEnd = null;
      int minutesWithout = 0;
      int maxLive = 0;
      int lostAnswers = 0;
      SecretData held = credential.get();
      SecretData previous = null;
      int overlapMinutes = 0;
      List<Integer> overlaps = new ArrayList<>();

      for (int minute = 1; minute <= 7 * 24 * 60; minute++) {
        Instant now = apic.clock.advance(MINUTE);
        int ofDay = minute % (24 * 60);
        if (ofDay == 6 * 60) {
          apic.sim.invalidateTokens(); // the platform forgets its tokens once a day
        }
        if (ofDay == 12 * 60) {
          // The next create succeeds but its answer is lost: reconciliation must clean up.
          apic.sim.faults().failNext(1, Fault.dropConnection().afterProcessing(),
              RequestKind.CREATE_CREDENTIAL);
          lostAnswers++;
        }
        // From day 3, the outage starts a minute before the earliest time the next step can
        // be taken, once that step is sure to be a rotation: the rotation falls inside the
        // outage, which is shorter than the credential's remaining lifetime (see RENEW_AT).
        if (outageStart == null && minute >= 3 * 24 * 60 && rotationIsNext(credential, now)) {
          outageStart = now;
          outage(apic);
        }
        if (outageStart != null && outageEnd == null
            && !now.isBefore(outageStart.plus(Duration.ofMinutes(30)))) {
          outageEnd = now;
          everydayFaults(apic);
        }

        apic.leases.processDue();

        SecretData current = credential.get();
        if (!apic.gatewayAccepts(current)) {
          minutesWithout++;
        }
        if (!clientId(current).equals(clientId(held))) {
          previous = held;
          overlapMinutes = 0;
        }
        if (previous != null) {
          if (apic.gatewayAccepts(previous)) {
            overlapMinutes++;
          } else {
            overlaps.add(overlapMinutes);
            previous = null;
          }
        }
        held = current;
        maxLive = Math.max(maxLive, apic.sim.liveCredentialCount());
      }

      // A rotation in the week's last minutes has its overlap still running: not judged.
      int overlapStillOpen = previous != null ? 1 : 0;
      credential.close();
      apic.clock.advance(Duration.ofMinutes(10)); // past the pending grace period
      apic.leases.processDue();                   // reconciles the lost answers
      apic.leases.close();
      int left = apic.sim.liveCredentialCount();

      long created = apic.count(CREATED) + apic.count(ROTATED);
      Instant from = outageStart;
      Instant to = outageEnd;
      long failedInOutage = apic.events.stream().filter(e -> e.type() == RENEWAL_FAILED
          && !e.at().isBefore(from) && e.at().isBefore(to)).count();
      IntSummaryStatistics overlapStats = overlaps.stream().mapToInt(Integer::intValue)
          .summaryStatistics();
      System.out.printf("Simulated week (%s to %s), TTL 1h, max TTL 8h, renewAt %s, jitter 0.1,"
              + " overlap 5m:%n"
              + "  minutes without a working credential: %d of %d%n"
              + "  leases created: %d (create calls to APIC: %d, faults injected: %d)%n"
              + "  renewals: %d, rotations: %d, renewal/rotation attempts failed: %d"
              + " (%d during the 30-minute outage from %s)%n"
              + "  overlap windows: %d (old credential still accepted %d-%d minutes after the"
              + " switch)%n"
              + "  EXPIRING warnings: %d, EXPIRED: %d%n"
              + "  most credentials live at once: %d; lost create answers: %d%n"
              + "  credentials left on the simulator after close: %d%n",
          start, apic.clock.instant(), RENEW_AT, minutesWithout, 7 * 24 * 60, created,
          apic.sim.requestCount(RequestKind.CREATE_CREDENTIAL), apic.sim.faults().injected(),
          apic.count(RENEWED), apic.count(ROTATED), apic.count(RENEWAL_FAILED), failedInOutage,
          outageStart, overlaps.size(), overlapStats.getMin(), overlapStats.getMax(),
          apic.count(EXPIRING), apic.count(EXPIRED), maxLive, lostAnswers, left);

      assertEquals(0, minutesWithout, "minutes without a working credential");
      assertEquals(0, left, "credentials left on the simulator");
      assertNotNull(outageStart, "the outage happened");
      assertTrue(failedInOutage > 0, "the rotation fell inside the outage");
      assertEquals(0, apic.count(EXPIRING) + apic.count(EXPIRED));
      // 7 days of 8-hour leases rotating up to an hour early: 21 to 24 rotations.
      assertTrue(apic.count(ROTATED) >= 20 && apic.count(ROTATED) <= 28,
          "rotations: " + apic.count(ROTATED));
      assertEquals(apic.count(ROTATED) - overlapStillOpen, overlaps.size(),
          "each rotation had an overlap");
      assertTrue(overlapStats.getMin() >= 5, "the old credential worked for the whole overlap");
      assertTrue(apic.count(RENEWED) > 7 * 24, "renewals: " + apic.count(RENEWED));
      assertTrue(apic.sim.faults().injected() > 20, "faults injected");
    }
  }

  @Test
  void anOutageLongerThanTheCredentialsLifeIsWarnedAboutAndRecoveredFrom() {
    LogCapture logs = LogCapture.startIfLogback().orElseThrow();
    try (ManagedFixture apic = new ManagedFixture(TTL, MAX_TTL)) {
      ManagedCredential credential = apic.leases.manage(ManagedFixture.SECRET, options(apic));
      Instant hardLimit = credential.lease().hardLimitAt();
      SecretData first = credential.get();
      apic.runFor(Duration.between(apic.clock.instant(), hardLimit.minus(Duration.ofMinutes(61))));
      outage(apic);
      Instant outageStart = apic.clock.instant();
      Instant outageEnd = outageStart.plus(Duration.ofMinutes(120));
      int expiredMinutes = 0;
      int acceptedWhileExpired = 0;
      int minutesWithout = 0;

      while (apic.clock.instant().isBefore(outageEnd.plus(Duration.ofMinutes(30)))) {
        Instant now = apic.clock.advance(MINUTE);
        if (now.equals(outageEnd)) {
          apic.sim.faults().clear();
        }
        apic.leases.processDue();
        boolean accepted = apic.gatewayAccepts(credential.get());
        if (!credential.lease().isLiveAt(now)) {
          expiredMinutes++;
          acceptedWhileExpired += accepted ? 1 : 0;
        }
        minutesWithout += accepted ? 0 : 1;
      }

      CredentialEvent expiring = only(apic, EXPIRING);
      CredentialEvent expired = only(apic, EXPIRED);
      CredentialEvent recovered = only(apic, RECOVERED);
      System.out.printf("Outage of 2h starting %s, 61 minutes before the hard limit %s:%n"
              + "  EXPIRING at %s (%s before), EXPIRED at %s, RECOVERED at %s (outage over at %s)%n"
              + "  minutes the application held an expired lease: %d (the gateway still accepted"
              + " it in %d of them: its deletion failed in the outage too)%n"
              + "  minutes the gateway refused the held credential: %d%n"
              + "  failed attempts: %d; events: %s%n",
          outageStart, hardLimit, expiring.at(), Duration.between(expiring.at(), hardLimit),
          expired.at(), recovered.at(), outageEnd, expiredMinutes, acceptedWhileExpired,
          minutesWithout, apic.count(RENEWAL_FAILED), compact(apic));

      // The warning came within the 5-minute warning period, before the credential ran out.
      assertFalse(expiring.at().isBefore(hardLimit.minus(Duration.ofMinutes(5))));
      assertTrue(expiring.at().isBefore(hardLimit));
      assertNotNull(expiring.problem());
      assertEquals(hardLimit, expiring.current().lease().expiresAt(),
          "stretched to the hard limit while the rotation was retried");
      assertFalse(expired.at().isBefore(hardLimit));
      assertTrue(logs.events().stream().anyMatch(line -> line.startsWith(
          "WARN dev.dynsecret.internal.CredentialKeeper: The managed credential of 'orders-api'"
              + " runs out in")), "the WARN line");
      assertTrue(logs.events().stream().anyMatch(line -> line.startsWith(
          "ERROR dev.dynsecret.internal.CredentialKeeper: The managed credential of 'orders-api'"
              + " has run out")), "the ERROR line");
      // Recovered within a minute or two of the provider's return, with a new credential.
      assertFalse(recovered.at().isBefore(outageEnd));
      assertTrue(recovered.at().isBefore(outageEnd.plus(Duration.ofMinutes(3))));
      assertTrue(apic.gatewayAccepts(credential.get()));
      assertFalse(clientId(first).equals(clientId(credential.get())));
      assertFalse(apic.gatewayAccepts(first), "the expired credential was deleted once back");
      assertTrue(apic.types().indexOf(ROTATED) < apic.types().indexOf(RECOVERED));
      assertTrue(apic.types().contains(PREVIOUS_REVOKED));
      assertEquals(Duration.between(hardLimit, recovered.at()).toMinutes(), expiredMinutes);
    } finally {
      logs.stop();
    }
  }

  private static CredentialEvent only(ManagedFixture apic, CredentialEvent.Type type) {
    List<CredentialEvent> matching = apic.events.stream().filter(e -> e.type() == type).toList();
    assertEquals(1, matching.size(), type + " events: " + matching);
    return matching.get(0);
  }

  /** Event types with repeats counted, e.g. [CREATED, RENEWED x10, RENEWAL_FAILED x59, ...]. */
  private static String compact(ManagedFixture apic) {
    List<String> out = new ArrayList<>();
    List<CredentialEvent.Type> types = apic.types();
    for (int i = 0; i < types.size(); ) {
      int j = i;
      while (j < types.size() && types.get(j) == types.get(i)) {
        j++;
      }
      out.add(types.get(i) + (j - i > 1 ? " x" + (j - i) : ""));
      i = j;
    }
    return out.toString();
  }
}
