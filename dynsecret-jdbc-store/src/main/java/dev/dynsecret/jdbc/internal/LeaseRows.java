package dev.dynsecret.jdbc.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dynsecret.InvalidRequestException;
import dev.dynsecret.spi.LeaseRecord;
import dev.dynsecret.LeaseState;
import dev.dynsecret.RevokeReason;
import dev.dynsecret.StoreException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Maps a {@link LeaseRecord} to a table row and back. Times travel as {@link OffsetDateTime} in UTC,
 * which both drivers map to TIMESTAMP WITH TIME ZONE without consulting the JVM's or the
 * session's time zone; they are kept to the microsecond, the columns' precision.
 */
public final class LeaseRows {
  /** Every column, in the order {@link #read} expects. */
  public static final String COLUMNS = "id, secret_name, external_id, state, created_at, expires_at,"
      + " hard_limit_at, renewed_at, revoked_at, revoke_reason, revoked_by, revocation_attempts,"
      + " next_attempt_at, last_error, metadata, version, due_at, claimed_by";

  /** The columns an update writes (all but id and version), in the order {@link #bindFields} binds. */
  private static final String FIELDS = "secret_name, external_id, state, created_at, expires_at,"
      + " hard_limit_at, renewed_at, revoked_at, revoke_reason, revoked_by, revocation_attempts,"
      + " next_attempt_at, last_error, metadata, due_at, claimed_by";

  /** The columns an insert writes, in the order {@link #bindInsert} binds. */
  public static final String INSERT_COLUMNS = "id, " + FIELDS + ", version";

  /** The columns an update writes, as {@code column = ?}. */
  public static final String ASSIGNMENTS = FIELDS.replace(",", " = ?,") + " = ?";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {};

  private LeaseRows() {}

  /** {@code instant} at the store's precision, or null. */
  public static @Nullable Instant micros(@Nullable Instant instant) {
    return instant == null ? null : instant.truncatedTo(ChronoUnit.MICROS);
  }

  /** The lease as the store keeps it: every time at microsecond precision. */
  public static LeaseRecord normalized(LeaseRecord lease) {
    return lease.toBuilder()
        .createdAt(micros(lease.createdAt()))
        .expiresAt(micros(lease.expiresAt()))
        .hardLimitAt(micros(lease.hardLimitAt()))
        .renewedAt(micros(lease.renewedAt()))
        .revokedAt(micros(lease.revokedAt()))
        .nextAttemptAt(micros(lease.nextAttemptAt()))
        .dueAt(micros(lease.dueAt()))
        .build();
  }

  /**
   * Checks that the lease's text fields fit their columns, so an oversized value is a clear
   * request error naming the field instead of a database truncation error.
   */
  public static void checkFits(LeaseRecord lease) {
    fits("id", lease.id(), 128);
    fits("secretName", lease.secretName(), 255);
    fits("externalId", lease.externalId(), 1024);
    fits("revokedBy", lease.revokedBy(), 128);
    fits("claimedBy", lease.claimedBy(), 128);
  }

  private static void fits(String field, @Nullable String value, int max) {
    if (value != null && value.length() > max) {
      throw new InvalidRequestException(field, "must be at most " + max + " characters; was "
          + value.length());
    }
  }

  /** Binds the values of {@link #ASSIGNMENTS}, starting at parameter 1; returns the next index. */
  public static int bindAssignments(PreparedStatement statement, LeaseRecord lease) throws SQLException {
    return bindFields(statement, 1, lease);
  }

  /** Binds every column of {@link #INSERT_COLUMNS}, starting at parameter 1. */
  public static void bindInsert(PreparedStatement statement, LeaseRecord lease) throws SQLException {
    statement.setString(1, lease.id());
    int next = bindFields(statement, 2, lease);
    statement.setLong(next, lease.version());
  }

  private static int bindFields(PreparedStatement statement, int first, LeaseRecord lease)
      throws SQLException {
    int i = first;
    statement.setString(i++, lease.secretName());
    statement.setString(i++, lease.externalId());
    statement.setString(i++, lease.state().name());
    setTime(statement, i++, lease.createdAt());
    setTime(statement, i++, lease.expiresAt());
    setTime(statement, i++, lease.hardLimitAt());
    setTime(statement, i++, lease.renewedAt());
    setTime(statement, i++, lease.revokedAt());
    statement.setString(i++, lease.revokeReason() == null ? null : lease.revokeReason().name());
    statement.setString(i++, lease.revokedBy());
    statement.setInt(i++, lease.revocationAttempts());
    setTime(statement, i++, lease.nextAttemptAt());
    statement.setString(i++, lease.lastError());
    statement.setString(i++, metadataJson(lease));
    setTime(statement, i++, lease.dueAt());
    statement.setString(i++, lease.claimedBy());
    return i;
  }

  /** Binds a time parameter as a UTC {@link OffsetDateTime}, or SQL NULL. */
  public static void setTime(PreparedStatement statement, int index, @Nullable Instant instant)
      throws SQLException {
    if (instant == null) {
      statement.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
    } else {
      statement.setObject(index, OffsetDateTime.ofInstant(micros(instant), ZoneOffset.UTC));
    }
  }

  /** The lease in the current row of a result set selecting {@link #COLUMNS}. */
  public static LeaseRecord read(ResultSet rs) throws SQLException {
    String id = rs.getString(1);
    return LeaseRecord.builder()
        .id(id)
        .secretName(rs.getString(2))
        .externalId(rs.getString(3))
        .state(parse(LeaseState.class, rs.getString(4), id, "state"))
        .createdAt(time(rs, 5))
        .expiresAt(time(rs, 6))
        .hardLimitAt(time(rs, 7))
        .renewedAt(time(rs, 8))
        .revokedAt(time(rs, 9))
        .revokeReason(parse(RevokeReason.class, rs.getString(10), id, "revoke_reason"))
        .revokedBy(rs.getString(11))
        .revocationAttempts(rs.getInt(12))
        .nextAttemptAt(time(rs, 13))
        .lastError(rs.getString(14))
        .metadata(metadata(rs.getString(15), id))
        .version(rs.getLong(16))
        .dueAt(time(rs, 17))
        .claimedBy(rs.getString(18))
        .build();
  }

  private static @Nullable Instant time(ResultSet rs, int index) throws SQLException {
    OffsetDateTime value = rs.getObject(index, OffsetDateTime.class);
    return value == null ? null : value.toInstant();
  }

  private static <E extends Enum<E>> @Nullable E parse(
      Class<E> type, @Nullable String value, String id, String column) {
    if (value == null) {
      return null;
    }
    try {
      return Enum.valueOf(type, value);
    } catch (IllegalArgumentException e) {
      throw new StoreException("lease " + id + " has " + column + " '" + value
          + "', which this version of dynsecret does not know");
    }
  }

  private static String metadataJson(LeaseRecord lease) {
    try {
      // Sorted, so that equal metadata is stored as equal text.
      return JSON.writeValueAsString(new TreeMap<>(lease.metadata()));
    } catch (JsonProcessingException e) {
      throw new StoreException("metadata of lease " + lease.id() + " cannot be written as JSON", e);
    }
  }

  private static Map<String, String> metadata(String json, String id) {
    try {
      return JSON.readValue(json, STRING_MAP);
    } catch (JsonProcessingException e) {
      throw new StoreException("metadata of lease " + id + " is not a JSON object of strings", e);
    }
  }
}
