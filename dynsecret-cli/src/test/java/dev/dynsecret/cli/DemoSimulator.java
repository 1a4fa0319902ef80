package dev.dynsecret.cli;

import dev.dynsecret.apic.simulator.ApicSimulator;
import dev.dynsecret.apic.simulator.Fault;
import dev.dynsecret.apic.simulator.RequestKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The APIC simulator as a stand-alone process, to try the command line without a real IBM API
 * Connect (the module README's output was made with it). Writes the API key and toolkit client
 * secret to {@code <dir>/apic.env} (mode 600) for {@code source}, then serves until stopped.
 * Never run by the tests.
 *
 * <p>Arguments: the directory, and the port (default 9443).
 */
final class DemoSimulator {
  private DemoSimulator() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args.length > 0 ? args[0] : ".");
    int port = args.length > 1 ? Integer.parseInt(args[1]) : 9443;
    ApicSimulator apic = ApicSimulator.builder().port(port)
        .seed("acme", "sandbox", "orders-team", "orders-app").start();
    apic.addConsumerOrg("partner-co");
    apic.addApp("partner-co", "partner-portal");
    Path env = dir.resolve("apic.env");
    Files.writeString(env, "export APIC_API_KEY='" + apic.apiKey().reveal() + "'\n"
        + "export APIC_CLIENT_SECRET='" + apic.clientSecret().reveal() + "'\n"
        + "export APIC_CLIENT_ID='" + apic.clientId() + "'\n");
    Files.setPosixFilePermissions(env, PosixFilePermissions.fromString("rw-------"));
    System.out.println("APIC simulator at " + apic.baseUrl() + "; credentials in " + env);
    // To show failures: a file <dir>/fault holding "<status> <request kind> <count>" (e.g.
    // "403 DELETE_CREDENTIAL 1") makes the next matching requests fail; it is then removed.
    Path fault = dir.resolve("fault");
    while (true) {
      if (Files.exists(fault)) {
        String[] f = Files.readString(fault).strip().split("\\s+");
        apic.faults().failNext(Integer.parseInt(f[2]),
            Fault.status(Integer.parseInt(f[0]), Fault.BodyKind.JSON), RequestKind.valueOf(f[1]));
        Files.delete(fault);
        System.out.println("next " + f[2] + " " + f[1] + " answered " + f[0]);
      }
      Thread.sleep(100);
    }
  }
}
