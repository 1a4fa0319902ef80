package dev.dynsecret.apic.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class CredentialNamesTest {
  private static final String LEASE_ID = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b";

  @Test
  void theLeaseIdIsReadBackFromTheNameMadeForIt() {
    assertEquals(Optional.of(LEASE_ID), CredentialNames.leaseIdOf(CredentialNames.forLease(LEASE_ID)));
  }

  @Test
  void namesDynsecretDidNotMakeCarryNoLeaseId() {
    assertEquals(Optional.empty(), CredentialNames.leaseIdOf("orders-app-key"));
    assertEquals(Optional.empty(), CredentialNames.leaseIdOf("dynsecret-"));
    assertEquals(Optional.empty(), CredentialNames.leaseIdOf("dynsecret-Upper_Case"), "not a name forLease makes");
    assertEquals(Optional.empty(), CredentialNames.leaseIdOf(null));
  }

  @Test
  void aHashedNameIsNotReadBackAsTheIdItWasMadeFrom() {
    // An id too long or altered gets a hashed name; what reads back is not that lease's id (the
    // engine never sweeps a credential whose id carries no creation time, so it is left alone).
    String id = "X".repeat(80);
    assertEquals(false, CredentialNames.leaseIdOf(CredentialNames.forLease(id)).equals(Optional.of(id)));
  }
}
