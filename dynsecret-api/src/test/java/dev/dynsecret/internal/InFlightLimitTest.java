package dev.dynsecret.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The adaptive limit of provider calls in flight, fed calls as the window would. */
class InFlightLimitTest {
  private static final long MS = 1_000_000;
  private static final long BASE = 100 * MS;

  /** A window's worth of calls, answered after {@code latency}, with the window full. */
  private static int window(InFlightLimit limit, long latency) {
    int n = limit.limit();
    long epoch = limit.epoch();
    int now = n;
    for (int i = 0; i < n; i++) {
      now = limit.answered(latency, epoch, n);
    }
    return now;
  }

  @Test
  void startsAtFourAndDoublesPerWindowOfAnsweredCallsUpToTheCeiling() {
    InFlightLimit limit = new InFlightLimit(64);
    assertEquals(4, limit.limit());
    assertEquals(8, window(limit, BASE));
    assertEquals(16, window(limit, BASE));
    assertEquals(32, window(limit, BASE));
    assertEquals(64, window(limit, BASE));
    assertEquals(64, window(limit, BASE), "never past the ceiling");
  }

  @Test
  void aCeilingBelowFourIsWhereItStarts() {
    assertEquals(1, new InFlightLimit(1).limit());
    assertEquals(3, new InFlightLimit(3).limit());
  }

  @Test
  void doesNotGrowOnCallsThatEndWhileTheWindowIsMostlyIdle() {
    InFlightLimit limit = new InFlightLimit(64);
    for (int i = 0; i < 100; i++) {
      limit.answered(BASE, limit.epoch(), 1); // a trickle: one call at a time
    }
    assertEquals(4, limit.limit());
  }

  @Test
  void aThrottleHalvesAndEndsTheDoublingAfterWhichItGrowsByOnePerWindow() {
    InFlightLimit limit = new InFlightLimit(64);
    window(limit, BASE);
    window(limit, BASE);
    window(limit, BASE); // 32
    assertEquals(16, limit.throttled());
    assertEquals(17, window(limit, BASE));
    assertEquals(18, window(limit, BASE));
  }

  @Test
  void eachThrottleEpisodeCountsAndTheFloorIsOne() {
    InFlightLimit limit = new InFlightLimit(64);
    assertEquals(2, limit.throttled());
    assertEquals(1, limit.throttled());
    assertEquals(1, limit.throttled());
    assertEquals(1, limit.failedTransiently(limit.epoch()));
    assertEquals(2, window(limit, BASE), "it recovers from the floor");
  }

  @Test
  void aTransientFailureDecreasesOncePerWindowNotOncePerFailingCall() {
    InFlightLimit limit = new InFlightLimit(64);
    window(limit, BASE);
    window(limit, BASE);
    window(limit, BASE);
    window(limit, BASE); // 64
    long inFlightFrom = limit.epoch();
    assertEquals(44, limit.failedTransiently(inFlightFrom), "64 × 0.7");
    for (int i = 0; i < 63; i++) {
      limit.failedTransiently(inFlightFrom); // the rest of that window failing together
    }
    assertEquals(44, limit.limit());
    assertEquals(30, limit.failedTransiently(limit.epoch()), "a call started since does");
  }

  @Test
  void afterATransientFailureItDoublesBackToWhereItWasThenGrowsByOne() {
    InFlightLimit limit = new InFlightLimit(128);
    for (int i = 0; i < 4; i++) {
      window(limit, BASE);
    }
    assertEquals(64, limit.limit());
    assertEquals(44, limit.failedTransiently(limit.epoch()));
    assertEquals(64, window(limit, BASE), "88 capped at the limit before the failure");
    assertEquals(65, window(limit, BASE));
  }

  @Test
  void afterAThrottleFollowingAFailureItDoesNotDoubleBack() {
    InFlightLimit limit = new InFlightLimit(128);
    for (int i = 0; i < 4; i++) {
      window(limit, BASE);
    }
    limit.failedTransiently(limit.epoch()); // 44, may double back to 64
    assertEquals(22, limit.throttled());
    assertEquals(23, window(limit, BASE), "the system said it was full: one per window");
  }

  @Test
  void callsStartedBeforeADecreaseDoNotCountTowardTheNextWindow() {
    InFlightLimit limit = new InFlightLimit(64);
    long before = limit.epoch();
    limit.throttled(); // 2
    for (int i = 0; i < 10; i++) {
      limit.answered(BASE, before, 4);
    }
    assertEquals(2, limit.limit());
  }

  @Test
  void aWindowMostlySlowerThanTwiceTheBaselineDecreasesGently() {
    InFlightLimit limit = new InFlightLimit(64);
    window(limit, BASE);
    window(limit, BASE);
    window(limit, BASE); // 32
    assertEquals(28, window(limit, 3 * BASE), "32 × 0.9");
    assertEquals(25, window(limit, 3 * BASE));
  }

  @Test
  void aFewSlowCallsHoldTheLimitAndOrdinaryJitterDoesNotStopTheRamp() {
    InFlightLimit limit = new InFlightLimit(64);
    window(limit, BASE);
    window(limit, BASE); // 16
    long epoch = limit.epoch();
    for (int i = 0; i < 16; i++) {
      limit.answered(i < 3 ? 5 * BASE : BASE, epoch, 16); // 3 of 16 slow: hold
    }
    assertEquals(16, limit.limit());
    for (int i = 0; i < 16; i++) {
      limit.answered(BASE + (i % 4) * 30 * MS, epoch, 16); // jitter up to 1.9× the baseline
    }
    assertEquals(32, limit.limit());
  }

  @Test
  void microsecondCallsAreNotSlowForAFewMillisecondsOfHiccup() {
    InFlightLimit limit = new InFlightLimit(64, 8, Duration.ofMillis(5), 256);
    limit.answered(20_000, limit.epoch(), 8); // 20 µs baseline
    long epoch = limit.epoch();
    for (int i = 0; i < 7; i++) {
      limit.answered(3 * MS, epoch, 8); // 150× the baseline, but only 3 ms
    }
    assertEquals(16, limit.limit());
  }

  @Test
  void theBaselineFollowsAProviderThatGotSlowerForGood() {
    InFlightLimit limit = new InFlightLimit(1024, 64, Duration.ofMillis(5), 512);
    window(limit, BASE); // 128
    int lowest = Integer.MAX_VALUE;
    for (int i = 0; i < 30; i++) {
      lowest = Math.min(lowest, window(limit, 4 * BASE));
    }
    assertTrue(lowest < 100, "it backed off first: " + lowest);
    assertTrue(limit.limit() >= lowest + 10, // +1 per window: it left the doubling when it backed off
        "then grew again at the new baseline: " + lowest + " → " + limit.limit());
  }
}
