package dev.dynsecret.spring.boot.internal;

import dev.dynsecret.spring.boot.InvalidDynsecretPropertyException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Prints a refused {@code dynsecret.*} property as Spring Boot's "APPLICATION FAILED TO START". */
public final class InvalidDynsecretPropertyFailureAnalyzer
    extends AbstractFailureAnalyzer<InvalidDynsecretPropertyException> {

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, InvalidDynsecretPropertyException cause) {
    return new FailureAnalysis(
        "Invalid value for property '" + cause.property() + "': " + cause.rule(),
        "Update '" + cause.property() + "' in the application's configuration (application"
            + " properties or YAML, environment variables, command-line arguments).",
        cause);
  }
}
