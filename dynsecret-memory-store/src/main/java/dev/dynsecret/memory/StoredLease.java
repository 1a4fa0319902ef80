package dev.dynsecret.memory;

import dev.dynsecret.Lease;
import dev.dynsecret.LeaseState;
import dev.dynsecret.RevokeReason;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;

/**
 * One lease as {@link MemoryLeaseStore} keeps it: about half the heap of a {@link Lease} with its
 * {@link Instant}s, strings and map, because a store may hold a million of them. A {@code Lease}
 * is rebuilt on every read (short-lived garbage is cheap; a million long-lived objects are not).
 *
 * <ul>
 *   <li>The four times every active lease has are kept as seconds and nanoseconds, not as
 *       {@code Instant} objects.
 *   <li>External id and metadata are encoded together in one byte array. Providers name
 *       credentials after the lease id (the SPI asks them to), so an occurrence of the id in those
 *       strings is stored as a back-reference rather than a copy.
 *   <li>Fields that an active lease usually lacks (renewal, revocation, retry, error, claim) live
 *       in a separate object that is absent while they all are.
 * </ul>
 *
 * Immutable: an update stores a new instance. Every {@code Lease} value round-trips exactly.
 */
final class StoredLease {
  /** {@code dueNano} of a lease without {@code dueAt}. */
  private static final int NO_DUE = -1;

  static final Comparator<StoredLease> BY_DUE_AT = (a, b) -> {
    int c = Long.compare(a.dueSec, b.dueSec);
    if (c == 0) {
      c = Integer.compare(a.dueNano, b.dueNano);
    }
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
  private final long createdSec;
  private final long expiresSec;
  private final long hardLimitSec;
  private final long dueSec;
  private final int createdNano;
  private final int expiresNano;
  private final int hardLimitNano;
  private final int dueNano;
  /** External id and metadata, encoded; null when the lease has neither. */
  private final byte[] details;
  /** The fields an active lease usually lacks; null when it lacks them all. */
  private final Rare rare;

  private record Rare(Instant renewedAt, Instant revokedAt, RevokeReason revokeReason,
      String revokedBy, int revocationAttempts, Instant nextAttemptAt, String lastError,
      String claimedBy) {

    static Rare of(Lease l) {
      if (l.renewedAt() == null && l.revokedAt() == null && l.revokeReason() == null
          && l.revokedBy() == null && l.revocationAttempts() == 0 && l.nextAttemptAt() == null
          && l.lastError() == null && l.claimedBy() == null) {
        return null;
      }
      return new Rare(l.renewedAt(), l.revokedAt(), l.revokeReason(), l.revokedBy(),
          l.revocationAttempts(), l.nextAttemptAt(), l.lastError(), l.claimedBy());
    }
  }

  /**
   * @param id the id of {@code lease}, the instance to keep (shared with the store's indexes)
   * @param secretName the secret name instance to keep (shared by all the secret's leases)
   */
  StoredLease(Lease lease, LeaseId id, String secretName) {
    this.id = id;
    this.secretName = secretName;
    this.state = lease.state();
    this.version = lease.version();
    this.createdSec = lease.createdAt().getEpochSecond();
    this.createdNano = lease.createdAt().getNano();
    this.expiresSec = lease.expiresAt().getEpochSecond();
    this.expiresNano = lease.expiresAt().getNano();
    this.hardLimitSec = lease.hardLimitAt().getEpochSecond();
    this.hardLimitNano = lease.hardLimitAt().getNano();
    Instant due = lease.dueAt();
    this.dueSec = due == null ? 0 : due.getEpochSecond();
    this.dueNano = due == null ? NO_DUE : due.getNano();
    this.details = Details.encode(lease.externalId(), lease.metadata(), lease.id());
    this.rare = Rare.of(lease);
  }

  boolean hasDueAt() {
    return dueNano != NO_DUE;
  }

  /** Whether {@code dueAt} is after {@code now}; only for leases that have one. */
  boolean dueAfter(Instant now) {
    return dueSec > now.getEpochSecond()
        || (dueSec == now.getEpochSecond() && dueNano > now.getNano());
  }

  Instant revokedAt() {
    return rare == null ? null : rare.revokedAt();
  }

  Lease toLease() {
    String idText = id.toString();
    Lease.Builder b = Lease.builder()
        .id(idText)
        .secretName(secretName)
        .state(state)
        .createdAt(Instant.ofEpochSecond(createdSec, createdNano))
        .expiresAt(Instant.ofEpochSecond(expiresSec, expiresNano))
        .hardLimitAt(Instant.ofEpochSecond(hardLimitSec, hardLimitNano))
        .version(version)
        .dueAt(hasDueAt() ? Instant.ofEpochSecond(dueSec, dueNano) : null);
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

    static byte[] encode(String externalId, Map<String, String> metadata, String id) {
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

    static void decodeInto(byte[] bytes, String id, Lease.Builder lease) {
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

    void string(String s, String id) {
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

    String string(String id) {
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
