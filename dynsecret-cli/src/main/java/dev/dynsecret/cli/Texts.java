package dev.dynsecret.cli;

/** Caller text made safe for a message: control characters escaped, long values cut. */
final class Texts {
  private static final int MAX_SHOWN = 100;

  private Texts() {}

  /** Control characters escaped, whatever the length. */
  static String escaped(String raw) {
    StringBuilder out = new StringBuilder(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      out.append(Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c));
    }
    return out.toString();
  }

  static String shown(String raw) {
    if (raw == null) {
      return "null";
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < raw.length() && i < MAX_SHOWN; i++) {
      char c = raw.charAt(i);
      out.append(Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c));
    }
    return raw.length() <= MAX_SHOWN ? out.toString()
        : out + "... (" + raw.length() + " characters)";
  }
}
