package dev.dynsecret.benchmarks;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Diagnostic behind figure 2: the same bare DELETE sent with {@code HttpClient.send} and with
 * {@code sendAsync(...).get(timeout)} (what the APIC provider's {@code Exchange} does), with and
 * without a request timeout and a custom executor. On this machine {@code sendAsync().get()} costs
 * about 160 µs more per request: its result is completed through one more task on the client's
 * executor, one more thread hand-off. Run with
 * {@code mvn -q -pl benchmarks -am compile exec:java -Dexec.mainClass=dev.dynsecret.benchmarks.HttpClientProbe}.
 */
public final class HttpClientProbe {
  private HttpClientProbe() {}

  public static void main(String[] args) throws Exception {
    try (SimulatedApic apic = new SimulatedApic(8)) {
      apic.bareCreateAndRevoke();
      String url = apic.sim.baseUrl() + apic.sim.seed().credentialsPath();
      HttpClient plain = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      HttpClient custom = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10)).followRedirects(HttpClient.Redirect.NEVER)
          .executor(Executors.newCachedThreadPool(r -> { Thread t = new Thread(r); t.setDaemon(true); return t; })).build();
      String[] names = {"plain", "timeout", "customClient", "asyncGet", "all"};
      long[][] t = new long[names.length][];
      for (int round = 0; round < 2; round++) {
        for (int v = 0; v < names.length; v++) {
          int variant = v;
          long[] nanos = new long[2000];
          for (int i = 0; i < nanos.length; i++) {
            long s = System.nanoTime();
            HttpClient c = variant == 2 || variant == 4 ? custom : plain;
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + "/nonexistent-" + i))
                .header("Authorization", "Bearer x").DELETE();
            if (variant == 1 || variant == 4) {
              b.timeout(Duration.ofSeconds(30));
            }
            if (variant >= 3) {
              c.sendAsync(b.build(), HttpResponse.BodyHandlers.ofByteArray()).get(30, TimeUnit.SECONDS);
            } else {
              c.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            }
            nanos[i] = System.nanoTime() - s;
          }
          t[v] = nanos;
        }
      }
      for (int v = 0; v < names.length; v++) {
        System.out.println(names[v] + " " + Stats.of(t[v]));
      }
    }
    System.exit(0);
  }
}
