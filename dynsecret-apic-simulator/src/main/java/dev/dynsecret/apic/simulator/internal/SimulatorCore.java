package dev.dynsecret.apic.simulator.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.dynsecret.apic.simulator.Fault;
import dev.dynsecret.apic.simulator.RequestKind;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running simulator: the JDK HTTP(S) server, its worker pool, and the per-request pipeline
 * (count, delay, pick a fault, serve, answer).
 */
public final class SimulatorCore {
  private static final Logger log = LoggerFactory.getLogger("dev.dynsecret.apic.simulator.ApicSimulator");
  private static final AtomicInteger INSTANCES = new AtomicInteger();

  static {
    // The JDK server writes headers and body in separate segments; with Nagle on, each answer
    // waits ~40 ms for the client's delayed ACK. The switch is JVM-wide and read once, when the
    // first JDK HttpServer starts, so it is set only if nobody chose a value.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  private final SimulatorConfig config;
  private final HttpServer server;
  private final ThreadPoolExecutor workers;
  private final TlsMaterial tls;
  private final String baseUrl;
  private final Platform platform;
  private final Auth auth;
  private final FaultInjector faults;
  private final RequestCounters counters = new RequestCounters();
  private final RateLimiter rateLimiter;
  private final ApiHandler api;
  private final GatewayHandler gateway;
  // Released on close, so delayed and stalled requests end at once instead of holding shutdown.
  private final CountDownLatch closing = new CountDownLatch(1);
  private final AtomicBoolean closed = new AtomicBoolean();

  private SimulatorCore(SimulatorConfig config) throws IOException {
    this.config = config;
    this.tls = config.https() ? TlsMaterial.load() : null;
    InetSocketAddress address = new InetSocketAddress(config.host(), config.port());
    if (tls != null) {
      HttpsServer https = HttpsServer.create(address, 256);
      https.setHttpsConfigurator(new HttpsConfigurator(tls.serverContext()));
      this.server = https;
    } else {
      this.server = HttpServer.create(address, 256);
    }
    this.workers = new ThreadPoolExecutor(
        config.threads(), config.threads(), 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
        daemonThreads("apic-sim-" + INSTANCES.incrementAndGet() + "-"));
    workers.allowCoreThreadTimeOut(true);
    InetSocketAddress bound = server.getAddress();
    String host = bound.getAddress().getHostAddress();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    this.baseUrl = (tls != null ? "https://" : "http://") + host + ":" + bound.getPort();
    this.platform = new Platform(baseUrl, config.clock(), config);
    this.auth = new Auth(config.clock(), config.tokenTtl(), config.clientId(),
        config.clientSecret(), config.apiKey(), config.apiKeyPolicy());
    this.faults = new FaultInjector(config.faultSeed());
    this.rateLimiter = new RateLimiter(config.clock());
    if (config.rateLimit() > 0) {
      rateLimiter.limit(config.rateLimit(), config.rateLimitBurst());
    }
    this.api = new ApiHandler(platform, auth, config.maxPageSize());
    server.setExecutor(workers);
    server.createContext("/", this::handle);
    this.gateway = new GatewayHandler(platform);
    server.createContext(GatewayHandler.PREFIX, gateway);
  }

  /** Binds and starts serving. */
  public static SimulatorCore start(SimulatorConfig config) {
    try {
      SimulatorCore core = new SimulatorCore(config);
      core.server.start();
      log.info("IBM API Connect simulator listening on {}", core.baseUrl);
      return core;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot bind the simulator to " + config.host() + ":"
          + config.port(), e);
    }
  }

  public String baseUrl() {
    return baseUrl;
  }

  public TlsMaterial tls() {
    return tls;
  }

  public Platform platform() {
    return platform;
  }

  public Auth auth() {
    return auth;
  }

  public FaultInjector faults() {
    return faults;
  }

  public GatewayHandler gateway() {
    return gateway;
  }

  public RateLimiter rateLimiter() {
    return rateLimiter;
  }

  public RequestCounters counters() {
    return counters;
  }

  /** Seed state again: no credentials, tokens, added keys or entities, faults or counts. */
  public void reset() {
    faults.reset();
    if (config.rateLimit() > 0) {
      rateLimiter.limit(config.rateLimit(), config.rateLimitBurst());
    } else {
      rateLimiter.off();
    }
    auth.reset();
    platform.reset();
    counters.clear();
  }

  /** Stops serving; waits briefly for in-flight requests, which stalls and delays release. */
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    closing.countDown();
    server.stop(0);
    workers.shutdownNow();
    try {
      workers.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    log.info("IBM API Connect simulator on {} stopped", baseUrl);
  }

  // ---- request pipeline ----

  private void handle(HttpExchange exchange) {
    ApiRequest request = null;
    try {
      byte[] body = exchange.getRequestBody().readAllBytes();
      request = ApiRequest.of(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
          exchange.getRequestURI().getRawQuery(),
          exchange.getRequestHeaders().getFirst("Authorization"), body);
      RequestKind kind = request.kind();
      counters.record(kind);
      // Decided on arrival, as a gateway's limit is; the answer still takes the latency.
      Duration untilFree = rateLimiter.acquire();
      Duration latency = faults.latency();
      if (!latency.isZero() && waitUnlessClosing(latency)) {
        return; // closing: drop the request
      }
      if (!untilFree.isZero()) {
        counters.recordRateLimited(kind);
        send(exchange, rateLimited(untilFree));
        log.debug("{} -> 429 ({}, rate limit)", request, kind);
        return;
      }
      Fault fault = faults.pick(kind);
      if (fault == null) {
        Reply reply = api.handle(request);
        send(exchange, reply);
        log.debug("{} -> {} ({})", request, reply.status(), kind);
        return;
      }
      Reply served = fault.processedFirst() ? api.handle(request) : null;
      log.debug("{} -> {} ({}{})", request, fault, kind,
          served == null ? "" : ", served with " + served.status() + " first");
      injure(exchange, fault, served);
    } catch (IOException e) {
      log.debug("{} -> client went away: {}", request, e.toString());
    } catch (RuntimeException e) {
      log.error("{} -> simulator bug", request, e);
      try {
        send(exchange, Reply.error(500, "Internal simulator error"));
      } catch (IOException | RuntimeException ignored) {
        // the answer may already be under way; closing below ends the exchange either way
      }
    } finally {
      // Without a response sent, this closes the connection: how a dropped request looks.
      exchange.close();
    }
  }

  private void injure(HttpExchange exchange, Fault fault, Reply served) throws IOException {
    switch (fault.type()) {
      case RESPOND -> send(exchange, faultReply(fault));
      case DROP_CONNECTION -> { } // close() in handle() drops it
      case TRUNCATE_BODY -> send(exchange, truncated(served));
      case STALL -> waitUnlessClosing(config.maxStall()); // then dropped
    }
  }

  /** APIC's error shape, with the time until the bucket has a token, in whole seconds rounded up. */
  private Reply rateLimited(Duration untilFree) {
    long seconds = Math.max(1, (untilFree.toNanos() + 999_999_999L) / 1_000_000_000L);
    return Reply.error(429, "Rate limit exceeded: at most " + rateLimiter.rate()
            + " requests per second (burst " + rateLimiter.burst() + "); retry after " + seconds
            + " s")
        .withHeader("Retry-After", Long.toString(seconds));
  }

  private static Reply faultReply(Fault fault) {
    int status = fault.status();
    Reply reply = switch (fault.body()) {
      case JSON -> Reply.error(status, status == 429
          ? "Too many requests, please retry later"
          : "Simulated fault (HTTP " + status + ")");
      case HTML -> Reply.html(status, "<html><head><title>" + status + "</title></head><body>"
          + "<h1>" + status + " Error</h1><p>Simulated gateway error</p></body></html>");
      case EMPTY -> Reply.empty(status);
    };
    if (fault.retryAfter() != null) {
      long seconds = (fault.retryAfter().toMillis() + 999) / 1000;
      reply = reply.withHeader("Retry-After", Long.toString(seconds));
    }
    return reply;
  }

  /** The served answer with its body cut to half (or to "{" when it had none). */
  private static Reply truncated(Reply served) {
    byte[] body = served.body();
    if (body.length == 0) {
      return new Reply(served.status() == 204 ? 200 : served.status(), Reply.JSON,
          "{".getBytes(StandardCharsets.UTF_8), served.headers());
    }
    byte[] half = Arrays.copyOf(body, Math.max(1, body.length / 2));
    return new Reply(served.status(), served.contentType(), half, served.headers());
  }

  /** Waits for {@code duration}; true if the simulator began closing meanwhile. */
  private boolean waitUnlessClosing(Duration duration) {
    try {
      return closing.await(duration.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return true;
    }
  }

  private void send(HttpExchange exchange, Reply reply) throws IOException {
    counters.recordStatus(reply.status());
    if (reply.contentType() != null) {
      exchange.getResponseHeaders().set("Content-Type", reply.contentType());
    }
    reply.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
    byte[] body = reply.body();
    exchange.sendResponseHeaders(reply.status(), body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + n.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  @Override
  public String toString() {
    return "ApicSimulator[" + baseUrl + "]";
  }
}
