package dev.dynsecret.spring.boot;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import org.springframework.boot.test.context.assertj.ApplicationContextAssertProvider;

/** Finds the refused property behind a context's start-up failure. */
final class PropertyFailures {
  private PropertyFailures() {}

  static InvalidDynsecretPropertyException of(ApplicationContextAssertProvider<?> context) {
    Throwable failure = context.getStartupFailure();
    assertNotNull(failure, "the context started, but should have failed");
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof InvalidDynsecretPropertyException invalid) {
        return invalid;
      }
    }
    return fail("the start-up failure names no property", failure);
  }
}
