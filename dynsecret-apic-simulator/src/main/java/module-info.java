/**
 * An in-process IBM API Connect simulator over real HTTP(S) on loopback, for testing code that
 * talks to APIC without an APIC. Only {@code dev.dynsecret.apic.simulator} is exported.
 */
module dev.dynsecret.apic.simulator {
  exports dev.dynsecret.apic.simulator;

  requires transitive dev.dynsecret;
  requires dev.dynsecret.testkit; // reports the secrets it issues through IssuedSecrets
  requires jdk.httpserver;
  requires com.fasterxml.jackson.databind;
  requires org.slf4j;
}
