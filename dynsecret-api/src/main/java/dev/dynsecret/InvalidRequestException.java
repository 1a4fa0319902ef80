package dev.dynsecret;

import org.jspecify.annotations.Nullable;

/**
 * A request or configuration that can never succeed as given: a missing or malformed field, a TTL
 * out of range, an unknown provider type. The message names the field and the rule it broke;
 * nothing already stored was changed.
 */
public class InvalidRequestException extends DynamicSecretException {
  private static final long serialVersionUID = 1L;

  /** The field that broke a rule. */
  private final String field;

  /**
   * With a message {@code "<field>: <rule>"}.
   *
   * @param field the name of the offending field, as the user spelled it in configuration
   * @param rule what the field must satisfy, phrased to follow the field name
   */
  public InvalidRequestException(String field, String rule) {
    super(field + ": " + rule);
    this.field = field;
  }

  /**
   * With a message {@code "<field>: <rule>"} and what revealed the problem.
   *
   * @param field the name of the offending field, as the user spelled it in configuration
   * @param rule what the field must satisfy, phrased to follow the field name
   * @param cause what revealed the problem
   */
  public InvalidRequestException(String field, String rule, @Nullable Throwable cause) {
    super(field + ": " + rule, cause);
    this.field = field;
  }

  /** {@return the name of the field that broke a rule} */
  public String field() {
    return field;
  }
}
