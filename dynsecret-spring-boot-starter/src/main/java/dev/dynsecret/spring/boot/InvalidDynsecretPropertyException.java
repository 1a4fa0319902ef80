package dev.dynsecret.spring.boot;

/**
 * A {@code dynsecret.*} property whose value dynsecret refuses; thrown while the application
 * starts, so it fails at once instead of at the first lease. The message names the property and
 * the rule, never the value of a provider configuration key (it may be a credential).
 */
public class InvalidDynsecretPropertyException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The property that broke a rule. */
  private final String property;
  /** The rule it broke. */
  private final String rule;

  /**
   * With a message naming the property and the rule.
   *
   * @param property the full property name, e.g. {@code dynsecret.secrets.orders-api.default-ttl}
   * @param rule what the value must satisfy, phrased to follow the property name
   * @param cause what revealed the problem, or null
   */
  public InvalidDynsecretPropertyException(String property, String rule, Throwable cause) {
    super("Invalid property '" + property + "': " + rule, cause);
    this.property = property;
    this.rule = rule;
  }

  /** {@return the full name of the property, e.g. {@code dynsecret.poll-interval}} */
  public String property() {
    return property;
  }

  /** {@return what the value must satisfy} */
  public String rule() {
    return rule;
  }
}
