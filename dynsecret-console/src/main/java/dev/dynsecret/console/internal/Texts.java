package dev.dynsecret.console.internal;

import org.jspecify.annotations.Nullable;

/** Caller text made safe for a message or a log line: control characters escaped, long values cut. */
public final class Texts {
  private static final int MAX_SHOWN = 100;

  private Texts() {}

  /** {@code raw} with control characters as {@code \\uXXXX}, cut after 100 characters. */
  public static String shown(@Nullable String raw) {
    if (raw == null) {
      return "-";
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < raw.length() && i < MAX_SHOWN; i++) {
      char c = raw.charAt(i);
      out.append(Character.isISOControl(c) || c == 0x2028 || c == 0x2029
          ? String.format("\\u%04x", (int) c) : String.valueOf(c));
    }
    return raw.length() <= MAX_SHOWN ? out.toString()
        : out + "... (" + raw.length() + " characters)";
  }
}
