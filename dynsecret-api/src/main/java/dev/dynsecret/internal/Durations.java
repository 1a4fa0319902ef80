package dev.dynsecret.internal;

import java.time.Duration;

/** Formats durations for people: {@code 1h30m}, {@code 45s}, {@code 250ms}. */
public final class Durations {
  private Durations() {}

  public static String format(Duration d) {
    if (d.isNegative()) {
      // negated() overflows for the most negative duration; its ISO form is exact.
      return d.getSeconds() == Long.MIN_VALUE ? d.toString() : "-" + format(d.negated());
    }
    if (d.isZero()) {
      return "0s";
    }
    StringBuilder out = new StringBuilder();
    long days = d.toDays();
    if (days > 0) out.append(days).append('d');
    if (d.toHoursPart() > 0) out.append(d.toHoursPart()).append('h');
    if (d.toMinutesPart() > 0) out.append(d.toMinutesPart()).append('m');
    if (d.toSecondsPart() > 0) out.append(d.toSecondsPart()).append('s');
    if (d.toMillisPart() > 0) out.append(d.toMillisPart()).append("ms");
    return out.length() == 0 ? d.toNanos() + "ns" : out.toString();
  }
}
