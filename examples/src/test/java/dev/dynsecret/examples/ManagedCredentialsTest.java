package dev.dynsecret.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynsecret.apic.simulator.ApicSimulator;
import dev.dynsecret.apic.simulator.RequestKind;
import org.junit.jupiter.api.Test;

/** The managed-credentials example, in real time (about eight seconds for two rotations). */
class ManagedCredentialsTest {
  @Test
  void everyGatewayCallSucceedsAcrossRotationsAndNothingIsLeftBehind() throws Exception {
    try (ApicSimulator apic = ApicSimulator.builder().start()) {
      ManagedCredentials.Outcome outcome = ManagedCredentials.run(apic, 2);

      assertTrue(outcome.calls() > 10, "calls: " + outcome.calls());
      assertEquals(outcome.calls(), outcome.accepted(), "every call was accepted");
      assertTrue(outcome.oldRefusedAfterOverlap());
      assertEquals(0, outcome.credentialsLeft());
      assertEquals(3, apic.requestCount(RequestKind.CREATE_CREDENTIAL));
    }
  }
}
