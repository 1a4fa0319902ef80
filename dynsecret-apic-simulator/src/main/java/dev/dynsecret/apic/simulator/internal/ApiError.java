package dev.dynsecret.apic.simulator.internal;

/**
 * An error answer of the simulated platform, thrown by request handling and turned into
 * {@code {"status":N,"message":["…"]}}. Messages name entities and fields, never secret values.
 */
final class ApiError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;

  ApiError(int status, String message) {
    super(message, null, false, false); // control flow, not a bug: no stack trace needed
    this.status = status;
  }

  int status() {
    return status;
  }

  static ApiError badRequest(String message) {
    return new ApiError(400, message);
  }

  static ApiError unauthorized(String message) {
    return new ApiError(401, message);
  }

  static ApiError notFound(String message) {
    return new ApiError(404, message);
  }
}
