package dev.dynsecret.cli;

import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** {@code --ttl 10m}, {@code --expiring-within 2h}: see {@link Durations}. */
final class DurationConverter implements ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    try {
      return Durations.parse(value);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(Durations.RULE + "; was '" + Texts.shown(value) + "'");
    }
  }
}
