package dev.dynsecret.apic.internal;

import dev.dynsecret.DefinitiveProviderException;
import dev.dynsecret.ProviderException;
import dev.dynsecret.Secret;
import dev.dynsecret.TransientProviderException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLHandshakeException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends single requests to one platform API over one {@link HttpClient}, whose connections are
 * reused. It neither retries nor interprets statuses; network failures become provider exceptions.
 */
final class Exchange {
  private static final Logger log = LoggerFactory.getLogger(Exchange.class);
  static final int SUCCESS_BODY_CAP = 1024 * 1024;
  static final int ERROR_BODY_CAP = 64 * 1024;
  private static final AtomicInteger THREADS = new AtomicInteger();

  private final String baseUrl;
  private final Duration requestTimeout;
  private final Redactor redactor;
  private final ExecutorService executor;
  private final ScheduledExecutorService bodyTimer;
  private final HttpClient client;

  Exchange(ApicSettings settings, ApicOptions options, Redactor redactor) {
    this.baseUrl = settings.baseUrl().toString();
    this.requestTimeout = settings.requestTimeout();
    this.redactor = redactor;
    ThreadFactory threads = r -> {
      Thread t = new Thread(r, "dynsecret-apic-http-" + THREADS.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
    this.executor = Executors.newCachedThreadPool(threads);
    ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, threads);
    timer.setRemoveOnCancelPolicy(true); // most deadlines are cancelled: do not keep them queued
    this.bodyTimer = timer;
    HttpClient.Builder builder = HttpClient.newBuilder()
        .connectTimeout(settings.connectTimeout())
        // A redirect would carry the bearer token to wherever it points: report it instead.
        .followRedirects(HttpClient.Redirect.NEVER)
        .executor(executor);
    if (settings.baseUrl().getScheme().equals("http")) {
      // Loopback only; skips the h2c upgrade dance some test servers and proxies mishandle.
      builder.version(HttpClient.Version.HTTP_1_1);
    }
    if (settings.sslContext() != null) {
      builder.sslContext(settings.sslContext());
    }
    if (options.proxy() != null) {
      builder.proxy(options.proxy());
    }
    this.client = builder.build();
  }

  /**
   * Sends {@code request} once.
   *
   * @param bearer the access token to send, or null for none (the token request itself)
   * @throws TransientProviderException on timeouts, refused or dropped connections
   * @throws DefinitiveProviderException when TLS trust fails or the request cannot be built
   */
  ApiResponse send(ApiRequest request, @Nullable Secret bearer) {
    URI uri = URI.create(baseUrl + request.path()
        + (request.query() == null ? "" : "?" + request.query()));
    HttpRequest.Builder builder = HttpRequest.newBuilder(uri)
        .timeout(requestTimeout)
        .header("Accept", "application/json");
    if (bearer != null) {
      builder.header("Authorization", "Bearer " + bearer.reveal());
    }
    if (request.body() != null) {
      builder.header("Content-Type", "application/json")
          .method(request.method(), HttpRequest.BodyPublishers.ofByteArray(request.body()));
    } else {
      builder.method(request.method(), HttpRequest.BodyPublishers.noBody());
    }

    long started = System.nanoTime();
    HttpResponse<CappedBody.Bytes> response;
    try {
      // send, not sendAsync().get(): the async variant completes on another thread, a hand-off
      // that cost ~40% more time per call here (docs/benchmarks.md, figure 2). The request
      // timeout bounds the wait for headers; CappedBody bounds the body by the same deadline.
      response = client.send(builder.build(), CappedBody.handler(SUCCESS_BODY_CAP,
          ERROR_BODY_CAP, started + requestTimeout.toNanos(), bodyTimer));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TransientProviderException(request.describe() + " was interrupted", e);
    } catch (IOException | RuntimeException e) {
      throw failure(request, e);
    }
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    CappedBody.Bytes body = response.body();
    log.debug("{} -> {} ({} bytes{}, {} ms)", request.describe(), response.statusCode(),
        body.bytes().length, body.overflow() ? ", cut off" : "", millis);
    return new ApiResponse(response.statusCode(), response.headers(), body.bytes(), body.overflow());
  }

  private ProviderException failure(ApiRequest request, Throwable cause) {
    String what = request.describe();
    if (cause instanceof HttpConnectTimeoutException) {
      return new TransientProviderException(what + " could not connect to " + baseUrl
          + " in time (connectTimeout)", cause);
    }
    if (cause instanceof HttpTimeoutException) {
      return new TransientProviderException(what + " timed out after "
          + requestTimeout.toMillis() + " ms", cause);
    }
    if (cause instanceof SSLHandshakeException && hasCertificateProblem(cause)) {
      return new DefinitiveProviderException(what + " failed: the TLS certificate of " + baseUrl
          + " is not trusted (" + redactor.scrub(String.valueOf(cause.getMessage()))
          + "); for a private CA set trustStore or give the provider an SSLContext", cause);
    }
    if (cause instanceof ConnectException) {
      return new TransientProviderException(what + " could not connect to " + baseUrl + ": "
          + describe(cause), cause);
    }
    if (cause instanceof IOException) {
      return new TransientProviderException(what + " failed: " + describe(cause), cause);
    }
    return new DefinitiveProviderException(what + " could not be sent: " + describe(cause), cause);
  }

  private static boolean hasCertificateProblem(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof GeneralSecurityException) {
        return true;
      }
    }
    return false;
  }

  private String describe(Throwable t) {
    String message = t.getMessage();
    return t.getClass().getSimpleName()
        + (message == null || message.isBlank() ? "" : " (" + redactor.scrub(message) + ")");
  }

  /** Stops the client's threads; Java 17's HttpClient has no close of its own. */
  void close() {
    executor.shutdownNow();
    bodyTimer.shutdownNow();
  }
}
