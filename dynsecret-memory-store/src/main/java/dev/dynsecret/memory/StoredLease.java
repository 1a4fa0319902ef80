package dev.dynsecret.memory;

import dev.dynsecret.spi.LeaseRecord;
import dev.dynsecret.LeaseState;
import dev.dynsecret.RevokeReason;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One lease as {@link MemoryLeaseStore} keeps it: about half the heap of a {@link LeaseRecord} with its
 * {@link Instant}s, strings and map, because a store may hold a million of them. A {@code LeaseRecord}
 * is rebuilt on every read (short-lived garbage is cheap; a million long-lived objects are not).
 *
 * <ul>
 *   <li>The four times every active lease has are kept as nanoseconds since the epoch, one
 *       {@code long} each, not as {@code Instant} objects. A time outside the years 1678-2262
 *       (which a {@code long} of nanoseconds cannot hold) moves all four to the rare fields.
 *   <li>The id is a {@link LeaseId}: two {@code long}s when it is a canonical UUID.
 *   <li>External id and metadata are encoded together in one byte array. Providers name
 *       credentials after the lease id (the SPI asks them to), so an occurrence of the id in those
 *       strings is stored as a back-reference rather than a copy.
 *   <li>Fields that an active lease usually lacks (renewal, revocation, retry, error, claim) live
 *       in a separate object that is absent while they all are.
 * </ul>
 *
 * Immutable: an update stores a new instance. Every {@code LeaseRecord} value round-trips exactly.
 */
final class StoredLease {
  /** A time absent ({@code dueAt}) or not held in nanoseconds (see {@link FarTimes}). */
  private static final long NO_TIME = Long.MIN_VALUE;

  static final Comparator<StoredLease> BY_DUE_AT = (a, b) -> {
    int c = a.far() == null && b.far() == null
        ? Long.compare(a.dueAt, b.dueAt)
        : a.dueAt().compareTo(b.dueAt());
    return c != 0 ? c : a.id.compareTo(b.id);
  };

  static final Comparator<StoredLease> BY_REVOKED_AT = (a, b) -> {
    int c = a.revokedAt().compareTo(b.revokedAt());
    return c != 0 ? c : a.id.compareTo(b.id);
  };

  /** The id, compact when it is a UUID; the same instance as the store's map key and indexes. */
  final LeaseId id;
  final String secretName;
  final LeaseState state;
  final long version;
  // Nanoseconds since the epoch; NO_TIME for no dueAt, and all four when the times are in FarTimes.
  private final long createdAt;
  private final long expiresAt;
  private final long hardLimitAt;
  private final long dueAt;
  /** External id and metadata, encoded; null when the lease has neither. */
  private final byte @Nullable [] details;
  /** The fields an active lease usually lacks; null when it lacks them all. */
  private final @Nullable Rare rare;

  private record Rare(@Nullable Instant renewedAt, @Nullable Instant revokedAt,
      @Nullable RevokeReason revokeReason, @Nullable String revokedBy, int revocationAttempts,
      @Nullable Instant nextAttemptAt, @Nullable String lastError, @Nullable String claimedBy,
      @Nullable FarTimes far) {

    static @Nullable Rare of(LeaseRecord l, @Nullable FarTimes far) {
      if (l.renewedAt() == null && l.revokedAt() == null && l.revokeReason() == null
          && l.revokedBy() == null && l.revocationAttempts() == 0 && l.nextAttemptAt() == null
          && l.lastError() == null && l.claimedBy() == null && far == null) {
        return null;
      }
      return new Rare(l.renewedAt(), l.revokedAt(), l.revokeReason(), l.revokedBy(),
          l.revocationAttempts(), l.nextAttemptAt(), l.lastError(), l.claimedBy(), far);
    }
  }

  /** The four times of a lease when one of them does not fit in a {@code long} of nanoseconds. */
  private record FarTimes(Instant createdAt, Instant expiresAt, Instant hardLimitAt,
      @Nullable Instant dueAt) {}

  /** Nanoseconds since the epoch, or {@link #NO_TIME} when {@code t} is null or too far out. */
  private static long nanos(@Nullable Instant t) {
    if (t == null) {
      return NO_TIME;
    }
    long sec = t.getEpochSecond();
    // Keeps clear of overflow and of NO_TIME itself; a few hours of the range are given up.
    if (sec <= Long.MIN_VALUE / 1_000_000_000L || sec >= Long.MAX_VALUE / 1_000_000_000L) {
      return NO_TIME;
    }
    return sec * 1_000_000_000L + t.getNano();
  }

  private static Instant instant(long nanos) {
    return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L),
        Math.floorMod(nanos, 1_000_000_000L));
  }

  /**
   * @param id the id of {@code lease}, the instance to keep (shared with the store's indexes)
   * @param secretName the secret name instance to keep (shared by all the secret's leases)
   */
  StoredLease(LeaseRecord lease, LeaseId id, String secretName) {
    this.id = id;
    this.secretName = secretName;
    this.state = lease.state();
    this.version = lease.version();
    long created = nanos(lease.createdAt());
    long expires = nanos(lease.expiresAt());
    long hardLimit = nanos(lease.hardLimitAt());
    long due = nanos(lease.dueAt());
    FarTimes far = null;
    if (created == NO_TIME || expires == NO_TIME || hardLimit == NO_TIME
        || (due == NO_TIME && lease.dueAt() != null)) {
      far = new FarTimes(lease.createdAt(), lease.expiresAt(), lease.hardLimitAt(), lease.dueAt());
      created = expires = hardLimit = due = NO_TIME;
    }
    this.createdAt = created;
    this.expiresAt = expires;
    this.hardLimitAt = hardLimit;
    this.dueAt = due;
    this.details = Details.encode(lease.externalId(), lease.metadata(), lease.id());
    this.rare = Rare.of(lease, far);
  }

  private @Nullable FarTimes far() {
    return rare == null ? null : rare.far();
  }

  boolean hasDueAt() {
    return far() == null ? dueAt != NO_TIME : far().dueAt() != null;
  }

  /** The lease's {@code dueAt}, or null. */
  private @Nullable Instant dueAt() {
    if (far() != null) {
      return far().dueAt();
    }
    return dueAt == NO_TIME ? null : instant(dueAt);
  }

  /** Whether {@code dueAt} is after {@code now}; only for leases that have one. */
  boolean dueAfter(Instant now) {
    long nowNanos = nanos(now);
    return far() == null && nowNanos != NO_TIME ? dueAt > nowNanos : dueAt().isAfter(now);
  }

  @Nullable Instant revokedAt() {
    return rare == null ? null : rare.revokedAt();
  }

  LeaseRecord toLease() {
    String idText = id.toString();
    LeaseRecord.Builder b = LeaseRecord.builder()
        .id(idText)
        .secretName(secretName)
        .state(state)
        .version(version)
        .dueAt(dueAt());
    FarTimes far = far();
    if (far == null) {
      b.createdAt(instant(createdAt)).expiresAt(instant(expiresAt)).hardLimitAt(instant(hardLimitAt));
    } else {
      b.createdAt(far.createdAt()).expiresAt(far.expiresAt()).hardLimitAt(far.hardLimitAt());
    }
    if (details != null) {
      Details.decodeInto(details, idText, b);
    }
    if (rare != null) {
      b.renewedAt(rare.renewedAt())
          .revokedAt(rare.revokedAt())
          .revokeReason(rare.revokeReason())
          .revokedBy(rare.revokedBy())
          .revocationAttempts(rare.revocationAttempts())
          .nextAttemptAt(rare.nextAttemptAt())
          .lastError(rare.lastError())
          .claimedBy(rare.claimedBy());
    }
    return b.build();
  }

  /**
   * The encoding of external id and metadata: the external id, the number of metadata entries,
   * then each key and value. A string is a tag byte ({@code 0} null, {@code 1} plain, {@code 2}
   * holding the lease id, {@code 3} a canonical lowercase UUID) followed by its UTF-8 bytes (tag 2:
   * the parts before and after the id), each part prefixed by its length as a varint; a UUID
   * (external ids often are one) is its two halves, 16 bytes instead of 37.
   */
  private static final class Details {
    private static final byte NULL = 0;
    private static final byte PLAIN = 1;
    private static final byte WITH_ID = 2;
    private static final byte UUID = 3;

    static byte @Nullable [] encode(
        @Nullable String externalId, Map<String, String> metadata, String id) {
      if (externalId == null && metadata.isEmpty()) {
        return null;
      }
      Writer out = new Writer();
      out.string(externalId, id);
      out.varint(metadata.size());
      for (Map.Entry<String, String> e : metadata.entrySet()) {
        out.string(e.getKey(), id);
        out.string(e.getValue(), id);
      }
      return out.toByteArray();
    }

    static void decodeInto(byte[] bytes, String id, LeaseRecord.Builder lease) {
      Reader in = new Reader(bytes);
      lease.externalId(in.string(id));
      int entries = in.varint();
      if (entries > 0) {
        Map<String, String> metadata = new HashMap<>(entries * 2);
        for (int i = 0; i < entries; i++) {
          metadata.put(in.string(id), in.string(id));
        }
        lease.metadata(metadata);
      }
    }
  }

  private static final class Writer {
    private byte[] buf = new byte[64];
    private int size;

    void string(@Nullable String s, String id) {
      if (s == null) {
        put(NULL_TAG);
        return;
      }
      int at = id.isEmpty() ? -1 : s.indexOf(id);
      if (at < 0 && LeaseId.Uuids.isCanonical(s)) {
        put(UUID_TAG);
        fixed(LeaseId.Uuids.msb(s));
        fixed(LeaseId.Uuids.lsb(s));
      } else if (at < 0) {
        put(PLAIN_TAG);
        part(s);
      } else {
        put(WITH_ID_TAG);
        part(s.substring(0, at));
        part(s.substring(at + id.length()));
      }
    }

    private void part(String s) {
      byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
      varint(utf8.length);
      ensure(utf8.length);
      System.arraycopy(utf8, 0, buf, size, utf8.length);
      size += utf8.length;
    }

    private void fixed(long value) {
      for (int shift = 56; shift >= 0; shift -= 8) {
        put((byte) (value >>> shift));
      }
    }

    void varint(int value) {
      int v = value;
      while ((v & ~0x7F) != 0) {
        put((byte) ((v & 0x7F) | 0x80));
        v >>>= 7;
      }
      put((byte) v);
    }

    private void put(byte b) {
      ensure(1);
      buf[size++] = b;
    }

    private void ensure(int more) {
      if (size + more > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
      }
    }

    byte[] toByteArray() {
      return Arrays.copyOf(buf, size);
    }
  }

  private static final byte NULL_TAG = Details.NULL;
  private static final byte PLAIN_TAG = Details.PLAIN;
  private static final byte WITH_ID_TAG = Details.WITH_ID;
  private static final byte UUID_TAG = Details.UUID;

  private static final class Reader {
    private final byte[] buf;
    private int pos;

    Reader(byte[] buf) {
      this.buf = buf;
    }

    @Nullable String string(String id) {
      byte tag = buf[pos++];
      if (tag == NULL_TAG) {
        return null;
      }
      if (tag == UUID_TAG) {
        long msb = fixed();
        return LeaseId.Uuids.format(msb, fixed());
      }
      String first = part();
      return tag == PLAIN_TAG ? first : first + id + part();
    }

    private String part() {
      int length = varint();
      String s = new String(buf, pos, length, StandardCharsets.UTF_8);
      pos += length;
      return s;
    }

    private long fixed() {
      long value = 0;
      for (int i = 0; i < 8; i++) {
        value = value << 8 | (buf[pos++] & 0xFF);
      }
      return value;
    }

    int varint() {
      int value = 0;
      int shift = 0;
      byte b;
      do {
        b = buf[pos++];
        value |= (b & 0x7F) << shift;
        shift += 7;
      } while ((b & 0x80) != 0);
      return value;
    }
  }
}
