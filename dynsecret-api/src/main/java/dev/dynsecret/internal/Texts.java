package dev.dynsecret.internal;

import org.jspecify.annotations.Nullable;

/** Shows caller-supplied text in messages without letting it forge log lines or flood them. */
public final class Texts {
  private static final int SHOWN = 80;

  private Texts() {}

  /** {@code value} quoted, control characters escaped, cut to 80 characters with its length. */
  public static String quoted(@Nullable String value) {
    if (value == null) {
      return "null";
    }
    StringBuilder out = new StringBuilder("'");
    for (int i = 0; i < value.length() && i < SHOWN; i++) {
      char c = value.charAt(i);
      out.append(Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c));
    }
    out.append('\'');
    return value.length() <= SHOWN ? out.toString() : out + " (" + value.length() + " characters)";
  }

  /** Whether {@code value} has a control character (a line break, say). */
  public static boolean hasControlCharacter(String value) {
    return value.chars().anyMatch(Character::isISOControl);
  }
}
