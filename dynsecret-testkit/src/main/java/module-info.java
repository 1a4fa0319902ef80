/**
 * dynsecret's test kit: the contracts every store, engine and provider must pass, and the tools
 * to test code built on dynsecret ({@code TestClock}, {@code RecordingProvider}, …). JUnit runs
 * the contracts' (package-private) tests and nested groups by reflection, so the package is open
 * to it.
 */
module dev.dynsecret.testkit {
  exports dev.dynsecret.testkit;
  opens dev.dynsecret.testkit to org.junit.platform.commons;

  requires transitive dev.dynsecret;
  requires transitive org.junit.jupiter.api;
  requires org.slf4j;
  // LogCapture uses logback when it is the SLF4J backend, and does without it otherwise.
  requires static ch.qos.logback.classic;
  requires static ch.qos.logback.core;

  uses dev.dynsecret.testkit.IssuedSecrets.Observer;
}
