package dev.dynsecret.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynsecret.InvalidRequestException;
import dev.dynsecret.apic.simulator.ApicSimulator;
import dev.dynsecret.apic.simulator.Fault;
import dev.dynsecret.buildsupport.SecretsUsed;
import java.time.Duration;
import java.util.List;
import dev.dynsecret.apic.simulator.RequestKind;
import dev.dynsecret.apic.simulator.Seed;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The quickstart as a user runs it against "another" APIC named by the DYNSECRET_APIC_* variables
 * (here a simulator the test starts itself, standing in for a real platform).
 */
class QuickstartTest {

  private static Map<String, String> variablesFor(ApicSimulator apic) {
    Seed seed = apic.seed();
    Map<String, String> env = new HashMap<>();
    env.put("DYNSECRET_APIC_URL", apic.baseUrl());
    env.put("DYNSECRET_APIC_API_KEY", apic.apiKey().reveal());
    env.put("DYNSECRET_APIC_CLIENT_ID", apic.clientId());
    env.put("DYNSECRET_APIC_CLIENT_SECRET", apic.clientSecret().reveal());
    env.put("DYNSECRET_APIC_ORG", seed.org().id());
    env.put("DYNSECRET_APIC_CATALOG", seed.catalog().name());
    env.put("DYNSECRET_APIC_APP", seed.app().name());
    return env;
  }

  @Test
  void runsToTheEndAgainstTheApicTheVariablesNameWithOneTokenRequest() throws Exception {
    try (ApicSimulator apic = ApicSimulator.builder().maxPageSize(3).start();
        ApicTarget target = ApicTarget.fromEnvironment(variablesFor(apic))) {

      Quickstart.run(target);

      assertEquals(1, apic.requestCount(RequestKind.TOKEN));
      assertEquals(3, apic.requestCount(RequestKind.CREATE_CREDENTIAL));
      assertEquals(3, apic.requestCount(RequestKind.DELETE_CREDENTIAL));
      assertEquals(0, apic.liveCredentialCount(), "no credential left on the APIC side");
    }
  }

  @Test
  void runsToTheEndWithNothingLeftOnApicWhenThirtyPercentOfRequestsFail() throws Exception {
    try (ApicSimulator apic = ApicSimulator.builder().maxPageSize(3).start();
        ApicTarget target = ApicTarget.fromEnvironment(variablesFor(apic))) {
      SecretsUsed.record(apic.apiKey());
      SecretsUsed.record(apic.clientSecret());
      // A busy SaaS APIC behind a flaky gateway: every kind of request, every kind of fault.
      apic.faults().errorRate(0.3, List.of(
          Fault.status(503, Fault.BodyKind.HTML),
          Fault.status(502, Fault.BodyKind.EMPTY),
          Fault.tooManyRequests(Duration.ofSeconds(1)),
          Fault.dropConnection(),
          Fault.dropConnection().afterProcessing(),
          Fault.truncatedBody()));

      Quickstart.run(target); // throws if a lease is not revoked or a credential is left

      assertTrue(apic.faults().injected() > 0, "no fault was injected: this test checks nothing");
      apic.faults().clear();
      assertEquals(0, apic.liveCredentialCount(), "no credential left on the APIC side");
    }
  }

  @Test
  void aMissingVariableIsNamed() {
    try (ApicSimulator apic = ApicSimulator.builder().start()) {
      Map<String, String> env = variablesFor(apic);
      env.remove("DYNSECRET_APIC_CATALOG");

      InvalidRequestException e =
          assertThrows(InvalidRequestException.class, () -> ApicTarget.fromEnvironment(env));

      assertEquals("DYNSECRET_APIC_CATALOG", e.field());
      assertTrue(e.getMessage().contains("must be set when DYNSECRET_APIC_URL is set"));
    }
  }

  @Test
  void consumerOrgIsPassedWhenGiven() {
    try (ApicSimulator apic = ApicSimulator.builder().start()) {
      Map<String, String> env = variablesFor(apic);
      env.put("DYNSECRET_APIC_CONSUMER_ORG", apic.seed().consumerOrg().name());

      try (ApicTarget target = ApicTarget.fromEnvironment(env)) {
        assertEquals(apic.seed().consumerOrg().name(), target.config().require("consumerOrg"));
      }
    }
  }
}
