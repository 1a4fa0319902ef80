package dev.dynsecret.memory;

import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * A lease id as {@link MemoryLeaseStore} keys and sorts it. The engine's ids are canonical
 * lowercase UUID strings; such an id is kept as its two 64-bit halves (32 bytes of heap instead of
 * about 80 for the string) and its string is rebuilt when asked for. Any other id is kept as given.
 *
 * <p>Ids order exactly as {@link String#compareTo} orders their strings, whatever mix of forms a
 * store holds: for two canonical UUIDs that is the unsigned order of the halves (hex digits sort
 * as their values, and the hyphens sit at the same places), otherwise the strings are compared.
 * Every string has exactly one form, so equal ids are equal keys.
 */
final class LeaseId implements Comparable<LeaseId> {
  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  private final long msb;
  private final long lsb;
  /** The id when it is not a canonical UUID; null when it is. */
  private final @Nullable String text;

  private LeaseId(long msb, long lsb, @Nullable String text) {
    this.msb = msb;
    this.lsb = lsb;
    this.text = text;
  }

  static LeaseId of(String id) {
    if (Uuids.isCanonical(id)) {
      return new LeaseId(Uuids.msb(id), Uuids.lsb(id), null);
    }
    return new LeaseId(0, 0, id);
  }

  @Override
  public String toString() {
    return text != null ? text : Uuids.format(msb, lsb);
  }

  @Override
  public int compareTo(LeaseId other) {
    if (text == null && other.text == null) {
      int c = Long.compareUnsigned(msb, other.msb);
      return c != 0 ? c : Long.compareUnsigned(lsb, other.lsb);
    }
    return toString().compareTo(other.toString());
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (!(o instanceof LeaseId other)) {
      return false;
    }
    return text == null
        ? other.text == null && msb == other.msb && lsb == other.lsb
        : text.equals(other.text);
  }

  @Override
  public int hashCode() {
    if (text != null) {
      return text.hashCode();
    }
    long h = msb ^ lsb;
    return (int) (h ^ (h >>> 32));
  }

  /** Canonical lowercase UUID strings ({@code 8-4-4-4-12} hex digits) and their two halves. */
  static final class Uuids {
    private Uuids() {}

    static boolean isCanonical(String s) {
      if (s.length() != 36) {
        return false;
      }
      for (int i = 0; i < 36; i++) {
        char c = s.charAt(i);
        if (i == 8 || i == 13 || i == 18 || i == 23) {
          if (c != '-') {
            return false;
          }
        } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
          return false;
        }
      }
      return true;
    }

    /** The first half of a canonical UUID string: characters 0-7, 9-12 and 14-17. */
    static long msb(String s) {
      return hex(s, 0, 8) << 32 | hex(s, 9, 13) << 16 | hex(s, 14, 18);
    }

    /** The second half of a canonical UUID string: characters 19-22 and 24-35. */
    static long lsb(String s) {
      return hex(s, 19, 23) << 48 | hex(s, 24, 36);
    }

    private static long hex(String s, int from, int to) {
      long v = 0;
      for (int i = from; i < to; i++) {
        char c = s.charAt(i);
        v = v << 4 | (c <= '9' ? c - '0' : c - 'a' + 10);
      }
      return v;
    }

    static String format(long msb, long lsb) {
      byte[] out = new byte[36];
      digits(out, 0, msb >>> 32, 8);
      out[8] = '-';
      digits(out, 9, msb >>> 16, 4);
      out[13] = '-';
      digits(out, 14, msb, 4);
      out[18] = '-';
      digits(out, 19, lsb >>> 48, 4);
      out[23] = '-';
      digits(out, 24, lsb, 12);
      return new String(out, StandardCharsets.ISO_8859_1);
    }

    /** Writes the low {@code count} hex digits of {@code value} at {@code at}. */
    private static void digits(byte[] out, int at, long value, int count) {
      long v = value;
      for (int i = at + count - 1; i >= at; i--) {
        out[i] = HEX[(int) (v & 0xF)];
        v >>>= 4;
      }
    }
  }
}
