/**
 * An in-process simulator of the IBM API Connect platform REST API, for testing code that creates
 * and deletes application credentials, offline, over real HTTP.
 *
 * <pre>{@code
 * MutableClock clock = ...;                            // any java.time.Clock you can move
 * try (ApicSimulator sim = ApicSimulator.builder()
 *         .clock(clock)
 *         .apiKeyPolicy(ApiKeyPolicy.singleUse())
 *         .start()) {
 *   Seed seed = sim.seed();
 *   // configure the code under test with:
 *   //   sim.baseUrl(), sim.apiKey(), sim.clientId(), sim.clientSecret(),
 *   //   seed.org().name(), seed.catalog().name(), seed.consumerOrg().name(), seed.app().name()
 *
 *   sim.faults().failNext(1, Fault.status(503, Fault.BodyKind.HTML), RequestKind.CREATE_CREDENTIAL);
 *   // ... exercise the code under test ...
 *
 *   assertEquals(1, sim.requestCount(RequestKind.TOKEN));
 *   assertEquals(List.of(), sim.liveCredentialNames(seed.app().name()));
 * }
 * }</pre>
 *
 * <p>{@link dev.dynsecret.apic.simulator.ApicSimulator} is the entry point; its Javadoc lists the
 * endpoints. Internals live in {@code dev.dynsecret.apic.simulator.internal} and may change.
 */
package dev.dynsecret.apic.simulator;
