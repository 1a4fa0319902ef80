package dev.dynsecret;

/**
 * A TTL that is not positive or would pass a limit: the definition's max TTL on create, or the
 * lease's hard limit on renew. The message states the limit.
 */
public class InvalidTtlException extends InvalidRequestException {
  private static final long serialVersionUID = 1L;

  /**
   * See {@link InvalidRequestException#InvalidRequestException(String, String)}.
   *
   * @param field the field that broke a rule
   * @param rule the rule it broke
   */
  public InvalidTtlException(String field, String rule) {
    super(field, rule);
  }
}
