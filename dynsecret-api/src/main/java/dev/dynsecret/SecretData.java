package dev.dynsecret;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The credential a lease hands to its caller, for example {@code CLIENT_ID} and {@code
 * CLIENT_SECRET} for IBM API Connect. It is returned once, by {@link LeaseManager#create}, and is
 * never stored, logged or shown by {@link #toString()}, which lists the keys only.
 */
public final class SecretData {
  private final Map<String, Secret> values;

  private SecretData(Map<String, Secret> values) {
    this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
  }

  /**
   * Creates secret data from named values.
   *
   * @param values the values by name, in the order to keep
   * @return the secret data
   * @throws InvalidRequestException if the map is empty or a key is blank
   */
  public static SecretData of(Map<String, Secret> values) {
    if (values == null || values.isEmpty()) {
      throw new InvalidRequestException("secretData", "must hold at least one value");
    }
    for (var entry : values.entrySet()) {
      if (entry.getKey() == null || entry.getKey().isBlank() || entry.getValue() == null) {
        throw new InvalidRequestException("secretData", "keys must not be blank and values not null");
      }
    }
    return new SecretData(values);
  }

  /**
   * {@return secret data holding two plain values, wrapped as {@link Secret}s}
   *
   * @param key1 the first value's name
   * @param value1 the first plain value
   * @param key2 the second value's name
   * @param value2 the second plain value
   */
  public static SecretData of(String key1, String value1, String key2, String value2) {
    Map<String, Secret> map = new LinkedHashMap<>();
    map.put(key1, Secret.of(value1));
    map.put(key2, Secret.of(value2));
    return of(map);
  }

  /** {@return the names of the values, in the order the provider gave them} */
  public Set<String> keys() {
    return values.keySet();
  }

  /**
   * {@return the value stored under {@code key}}
   *
   * @param key the value's name
   * @throws NotFoundException if there is no such key
   */
  public Secret get(String key) {
    Secret secret = values.get(key);
    if (secret == null) {
      throw new NotFoundException("secret data has no key '" + key + "'; keys are " + keys());
    }
    return secret;
  }

  /** {@return every value, keyed by name; the values stay wrapped} */
  public Map<String, Secret> asMap() {
    return values;
  }

  @Override
  public String toString() {
    return "SecretData" + keys() + " (values redacted)";
  }
}
