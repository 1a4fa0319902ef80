package dev.dynsecret.apic.simulator.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.dynsecret.Secret;
import dev.dynsecret.apic.simulator.Seed;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API gateway in front of the seeded catalog, as far as client credentials go: any method on
 * {@code /gateway/{org}/{catalog}/...} (org and catalog by name or id) is answered 200 only when
 * {@code X-IBM-Client-Id} and {@code X-IBM-Client-Secret} name a credential that exists on the
 * platform right now; otherwise 401, in the DataPower gateway's error shape. An unknown org or
 * catalog is a 404.
 *
 * <p>The gateway is the data plane, apart from the platform API: the simulator's faults and
 * latency do not reach it, and its requests are not counted with the platform's. It never logs a
 * header.
 */
public final class GatewayHandler implements HttpHandler {
  private static final Logger log = LoggerFactory.getLogger(GatewayHandler.class);
  /** The first path segment; also the context the simulator serves this handler under. */
  public static final String PREFIX = "/gateway/";

  private final Platform platform;
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();

  public GatewayHandler(Platform platform) {
    this.platform = platform;
  }

  /** Requests answered 200 since start. */
  public long accepted() {
    return accepted.get();
  }

  /** Requests answered 401 since start. */
  public long rejected() {
    return rejected.get();
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      exchange.getRequestBody().readAllBytes();
      String path = exchange.getRequestURI().getRawPath();
      String[] parts = path.substring(PREFIX.length()).split("/", 3);
      Seed seed = platform.seed();
      if (parts.length < 2 || !matches(parts[0], seed.org().id(), seed.org().name())
          || !matches(parts[1], seed.catalog().id(), seed.catalog().name())) {
        send(exchange, 404, "Not Found", "No API found for " + path.replace("\"", ""));
        return;
      }
      String clientId = exchange.getRequestHeaders().getFirst("X-IBM-Client-Id");
      String clientSecret = exchange.getRequestHeaders().getFirst("X-IBM-Client-Secret");
      boolean valid = clientId != null && clientSecret != null && !clientSecret.isEmpty()
          && platform.isValidAppCredential(clientId, Secret.of(clientSecret));
      if (!valid) {
        rejected.incrementAndGet();
        log.trace("{} {} -> 401", exchange.getRequestMethod(), path);
        send(exchange, 401, "Unauthorized", "Invalid client id or secret.");
        return;
      }
      accepted.incrementAndGet();
      log.trace("{} {} -> 200", exchange.getRequestMethod(), path);
      byte[] body = ("{\"status\":\"ok\",\"client_id\":\"" + clientId.replace("\"", "")
          + "\"}").getBytes(StandardCharsets.UTF_8);
      write(exchange, 200, body);
    }
  }

  private static boolean matches(String segment, String id, String name) {
    return segment.equals(id) || segment.equals(name);
  }

  private static void send(HttpExchange exchange, int status, String text, String detail)
      throws IOException {
    write(exchange, status, ("{\"httpCode\":\"" + status + "\",\"httpMessage\":\"" + text
        + "\",\"moreInformation\":\"" + detail + "\"}").getBytes(StandardCharsets.UTF_8));
  }

  private static void write(HttpExchange exchange, int status, byte[] body) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }
}
