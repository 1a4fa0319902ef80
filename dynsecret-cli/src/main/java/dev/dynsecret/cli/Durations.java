package dev.dynsecret.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as operators write them ({@code 90s}, {@code 10m}, {@code 1h30m}, {@code 2d}). */
final class Durations {
  private static final Pattern PART = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");
  static final String RULE = "must be a duration like 30s, 10m, 1h30m or 2d (or ISO-8601 PT1H)";

  private Durations() {}

  /**
   * Parses {@code text}.
   *
   * @throws IllegalArgumentException with {@link #RULE} if it is not a positive duration
   */
  static Duration parse(String text) {
    String t = text == null ? "" : text.strip();
    Duration total = null;
    if (t.startsWith("P") || t.startsWith("p")) {
      try {
        total = Duration.parse(t);
      } catch (DateTimeParseException e) {
        total = null;
      }
    } else if (!t.isEmpty()) {
      Matcher m = PART.matcher(t);
      int end = 0;
      total = Duration.ZERO;
      while (m.find() && m.start() == end) {
        long n = Long.parseLong(m.group(1));
        total = total.plus(switch (m.group(2)) {
          case "ms" -> Duration.ofMillis(n);
          case "s" -> Duration.ofSeconds(n);
          case "m" -> Duration.ofMinutes(n);
          case "h" -> Duration.ofHours(n);
          default -> Duration.ofDays(n);
        });
        end = m.end();
      }
      if (end != t.length()) {
        total = null;
      }
    }
    if (total == null || total.isNegative() || total.isZero()) {
      throw new IllegalArgumentException(RULE);
    }
    return total;
  }

  /** A short, readable form: {@code 2d3h}, {@code 1h5m}, {@code 9m58s}, {@code 42s}. */
  static String format(Duration d) {
    long s = Math.abs(d.getSeconds());
    long days = s / 86_400;
    long hours = s % 86_400 / 3600;
    long minutes = s % 3600 / 60;
    long seconds = s % 60;
    if (days > 0) {
      return days + "d" + (hours > 0 ? hours + "h" : "");
    }
    if (hours > 0) {
      return hours + "h" + (minutes > 0 ? minutes + "m" : "");
    }
    if (minutes > 0) {
      return minutes + "m" + (seconds > 0 ? seconds + "s" : "");
    }
    return seconds + "s";
  }

  /** {@code in 9m58s} or {@code 3m ago}, relative to now. */
  static String relative(Duration fromNow) {
    return fromNow.isNegative() ? format(fromNow) + " ago" : "in " + format(fromNow);
  }
}
