package dev.dynsecret.console;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.dynsecret.InvalidRequestException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/**
 * A {@link Console} on the JDK's own HTTP server ({@code com.sun.net.httpserver}): the standalone
 * console that {@code dynsecret console} runs. Bound to {@code 127.0.0.1} unless told otherwise;
 * with an {@link SSLContext} it serves HTTPS and the session cookie is {@code Secure}.
 *
 * <pre>{@code
 * Console console = Console.builder(manager).tokenAuthentication(token).build();
 * try (ConsoleServer server = ConsoleServer.builder(console).port(8200).start()) {
 *   System.out.println("console at " + server.url());
 *   ...
 * }
 * }</pre>
 */
public final class ConsoleServer implements AutoCloseable {
  /** Request bodies beyond this are not read (the console's own limit is lower). */
  private static final int MAX_READ = 64 * 1024;

  private final HttpServer server;
  private final ExecutorService executor;
  private final String url;

  private ConsoleServer(HttpServer server, ExecutorService executor, String url) {
    this.server = server;
    this.executor = executor;
    this.url = url;
  }

  /**
   * A server for {@code console}.
   *
   * @param console the console to serve
   * @return a builder; {@link Builder#start()} binds and starts the server
   */
  public static Builder builder(Console console) {
    return new Builder(console);
  }

  /**
   * Where the console answers.
   *
   * @return the console's URL, e.g. {@code http://127.0.0.1:8200/}
   */
  public String url() {
    return url;
  }

  /**
   * The port bound (useful after {@link Builder#port(int) port 0}).
   *
   * @return the port the server listens on
   */
  public int port() {
    return server.getAddress().getPort();
  }

  /** Stops the server at once; requests in progress are cut. */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private static void serve(Console console, HttpExchange exchange, boolean secure)
      throws IOException {
    try (exchange) {
      URI uri = exchange.getRequestURI();
      String rawPath = uri.getRawPath() == null ? "/" : uri.getRawPath();
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readNBytes(MAX_READ + 1);
      }
      if (body.length > MAX_READ) {
        exchange.sendResponseHeaders(413, -1);
        return;
      }
      ConsoleRequest request = new ConsoleRequest(exchange.getRequestMethod().toUpperCase(
          java.util.Locale.ROOT), rawPath, "", uri.getRawQuery(),
          exchange.getRequestHeaders(), body, null, null, secure);
      ConsoleResponse response = console.handle(request);
      for (Map.Entry<String, String> header : response.headers().entrySet()) {
        exchange.getResponseHeaders().set(header.getKey(), header.getValue());
      }
      byte[] out = response.body();
      boolean head = request.method().equals("HEAD");
      exchange.sendResponseHeaders(response.status(), out.length == 0 || head ? -1 : out.length);
      if (out.length > 0 && !head) {
        try (OutputStream os = exchange.getResponseBody()) {
          os.write(out);
        }
      }
    }
  }

  /** Builds and starts a {@link ConsoleServer}. */
  public static final class Builder {
    private final Console console;
    private String bind = "127.0.0.1";
    private int port = 8200;
    private @Nullable SSLContext tls;
    private int threads = 4;

    private Builder(Console console) {
      this.console = Objects.requireNonNull(console, "console");
    }

    /**
     * The address to listen on (default {@code 127.0.0.1}: this machine only).
     *
     * @param address a host name or IP address of this machine
     * @return this builder
     */
    public Builder bind(String address) {
      this.bind = Objects.requireNonNull(address, "address");
      return this;
    }

    /**
     * The port (default 8200; 0 for any free port).
     *
     * @param port the port to listen on
     * @return this builder
     * @throws InvalidRequestException on {@code port} outside 0..65535
     */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new InvalidRequestException("port", "must be between 0 and 65535; was " + port);
      }
      this.port = port;
      return this;
    }

    /**
     * Serve HTTPS with this context (the session cookie is then {@code Secure}).
     *
     * @param context the TLS context holding the server's key and certificate; null for HTTP
     * @return this builder
     */
    public Builder tls(@Nullable SSLContext context) {
      this.tls = context;
      return this;
    }

    /**
     * Threads serving requests (default 4).
     *
     * @param threads how many requests may be served at once
     * @return this builder
     * @throws InvalidRequestException on {@code threads} outside 1..64
     */
    public Builder threads(int threads) {
      if (threads < 1 || threads > 64) {
        throw new InvalidRequestException("threads", "must be between 1 and 64; was " + threads);
      }
      this.threads = threads;
      return this;
    }

    /**
     * Binds and starts serving.
     *
     * @return the running server; close it to stop
     * @throws InvalidRequestException on {@code bind} if the address is unknown
     * @throws UncheckedIOException if the port cannot be bound (in use, not allowed)
     */
    public ConsoleServer start() {
      InetAddress address;
      try {
        address = InetAddress.getByName(bind);
      } catch (UnknownHostException e) {
        throw new InvalidRequestException("bind", "must be an address of this machine, e.g."
            + " 127.0.0.1; '" + bind + "' is not known");
      }
      HttpServer server;
      try {
        if (tls != null) {
          HttpsServer https = HttpsServer.create(new InetSocketAddress(address, port), 0);
          https.setHttpsConfigurator(new HttpsConfigurator(tls));
          server = https;
        } else {
          server = HttpServer.create(new InetSocketAddress(address, port), 0);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot listen on " + bind + ":" + port + ": "
            + e.getMessage(), e);
      }
      boolean secure = tls != null;
      AtomicInteger n = new AtomicInteger();
      ExecutorService executor = Executors.newFixedThreadPool(threads, r -> {
        Thread t = new Thread(r, "dynsecret-console-" + n.incrementAndGet());
        t.setDaemon(true);
        return t;
      });
      server.setExecutor(executor);
      server.createContext("/", exchange -> serve(console, exchange, secure));
      server.start();
      String host = address.getHostAddress().contains(":") ? "[" + address.getHostAddress() + "]"
          : address.getHostAddress();
      int bound = server.getAddress().getPort();
      return new ConsoleServer(server, executor, (secure ? "https" : "http") + "://" + host + ":"
          + bound + "/");
    }
  }
}
