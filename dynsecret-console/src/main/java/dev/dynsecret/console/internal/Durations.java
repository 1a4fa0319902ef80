package dev.dynsecret.console.internal;

import dev.dynsecret.InvalidRequestException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The TTLs people type: {@code 30s}, {@code 10m}, {@code 1h30m}, {@code 2d}, or ISO-8601. */
public final class Durations {
  /** The rule, phrased to follow a field name. */
  public static final String RULE =
      "must be a duration like 30s, 10m, 1h30m or 2d (or ISO-8601 PT1H)";
  private static final Pattern SHORT = Pattern.compile(
      "(?:(\\d{1,9})d)?(?:(\\d{1,9})h)?(?:(\\d{1,9})m)?(?:(\\d{1,9})s)?");

  private Durations() {}

  /**
   * Parses {@code text}; the range (positive, within the max TTL) is the lease manager's to judge.
   *
   * @throws InvalidRequestException on {@code field} if the text is no duration
   */
  public static Duration parse(String field, String text) {
    String t = text.strip();
    if (t.isEmpty()) {
      throw new InvalidRequestException(field, RULE + "; was empty");
    }
    if (t.startsWith("P") || t.startsWith("p") || t.startsWith("-P") || t.startsWith("-p")) {
      try {
        return Duration.parse(t);
      } catch (DateTimeParseException e) {
        throw new InvalidRequestException(field, RULE + "; was '" + Texts.shown(text) + "'");
      }
    }
    Matcher m = SHORT.matcher(t);
    if (!m.matches()) {
      throw new InvalidRequestException(field, RULE + "; was '" + Texts.shown(text) + "'");
    }
    Duration d = Duration.ZERO;
    if (m.group(1) != null) {
      d = d.plusDays(Long.parseLong(m.group(1)));
    }
    if (m.group(2) != null) {
      d = d.plusHours(Long.parseLong(m.group(2)));
    }
    if (m.group(3) != null) {
      d = d.plusMinutes(Long.parseLong(m.group(3)));
    }
    if (m.group(4) != null) {
      d = d.plusSeconds(Long.parseLong(m.group(4)));
    }
    return d;
  }
}
