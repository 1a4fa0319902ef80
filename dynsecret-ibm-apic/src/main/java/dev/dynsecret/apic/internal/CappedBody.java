package dev.dynsecret.apic.internal;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpTimeoutException;
import java.net.http.HttpResponse.BodySubscriber;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Reads a response body up to a cap and then stops reading, so a huge or endless answer (an HTML
 * error page, a misrouted download) can neither exhaust memory nor hang past the request timeout:
 * a body still arriving at the deadline fails with {@link HttpTimeoutException}. (The request
 * timeout of {@link java.net.http.HttpRequest} only covers the wait for the headers.)
 */
final class CappedBody implements BodySubscriber<CappedBody.Bytes> {

  /** What was read; {@code overflow} when the body went on past the cap. */
  record Bytes(byte[] bytes, boolean overflow) {}

  private final int cap;
  private final long deadlineNanos;
  private final ScheduledExecutorService timer;
  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
  private final CompletableFuture<Bytes> result = new CompletableFuture<>();
  private Flow.Subscription subscription;

  private CappedBody(int cap, long deadlineNanos, ScheduledExecutorService timer) {
    this.cap = cap;
    this.deadlineNanos = deadlineNanos;
    this.timer = timer;
  }

  /**
   * Success bodies get {@code successCap} bytes, all others (error pages) {@code errorCap}.
   *
   * @param deadlineNanos the {@link System#nanoTime()} by which the whole body must have arrived
   * @param timer runs the deadline
   */
  static BodyHandler<Bytes> handler(int successCap, int errorCap, long deadlineNanos,
      ScheduledExecutorService timer) {
    return info -> new CappedBody(
        info.statusCode() / 100 == 2 ? successCap : errorCap, deadlineNanos, timer);
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    subscription = s;
    long remaining = deadlineNanos - System.nanoTime();
    ScheduledFuture<?> expiry = timer.schedule(() -> {
      if (result.completeExceptionally(
          new HttpTimeoutException("the response body did not arrive in time"))) {
        s.cancel();
      }
    }, Math.max(0, remaining), TimeUnit.NANOSECONDS);
    result.whenComplete((bytes, failure) -> expiry.cancel(false));
    s.request(Long.MAX_VALUE);
  }

  @Override
  public void onNext(List<ByteBuffer> items) {
    if (result.isDone()) {
      return;
    }
    for (ByteBuffer item : items) {
      int room = cap - buffer.size();
      int n = item.remaining();
      byte[] chunk = new byte[Math.min(n, room)];
      item.get(chunk);
      buffer.write(chunk, 0, chunk.length);
      if (n > room) {
        subscription.cancel();
        result.complete(new Bytes(buffer.toByteArray(), true));
        return;
      }
    }
  }

  @Override
  public void onError(Throwable t) {
    result.completeExceptionally(t);
  }

  @Override
  public void onComplete() {
    result.complete(new Bytes(buffer.toByteArray(), false));
  }

  @Override
  public CompletionStage<Bytes> getBody() {
    return result;
  }
}
