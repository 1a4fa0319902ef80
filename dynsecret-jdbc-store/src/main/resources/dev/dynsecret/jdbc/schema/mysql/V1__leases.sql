-- dynsecret lease store, schema version 1, MySQL 8.0.17 or later.
--
-- ${prefix} stands for the table prefix (default: dynsecret_). The store runs this script itself
-- when built with createSchema(true); JdbcLeaseStore.schemaSql(SqlDialect.MYSQL, "dynsecret_")
-- prints it with the prefix filled in.
--
-- No column holds secret data: a lease records only how to find, renew and revoke its credential.
-- Times are DATETIME(6) holding UTC (microseconds; the store binds them as UTC, so neither the
-- server's nor the session's time zone changes a stored instant, and years 1000-9999 fit).
--
-- Text is utf8mb4 with the binary, no-pad collation: ids and secret names compare exactly
-- ('Orders' is not 'orders', 'a' is not 'a '), and paging by id follows Java's String order.
--
-- MySQL commits each CREATE TABLE at once, so a script cannot run in one transaction; every
-- statement may be run again (IF NOT EXISTS) and the version row comes last, so a script cut off
-- half way is completed by running it again.

CREATE TABLE IF NOT EXISTS ${prefix}schema_version (
    version      INTEGER      NOT NULL PRIMARY KEY,
    description  VARCHAR(200) NOT NULL,
    installed_at DATETIME(6)  NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_0900_bin;

CREATE TABLE IF NOT EXISTS ${prefix}leases (
    id                  VARCHAR(128) NOT NULL PRIMARY KEY,
    secret_name         VARCHAR(255) NOT NULL,
    external_id         VARCHAR(1024),
    state               VARCHAR(32)  NOT NULL,
    created_at          DATETIME(6)  NOT NULL,
    expires_at          DATETIME(6)  NOT NULL,
    hard_limit_at       DATETIME(6)  NOT NULL,
    renewed_at          DATETIME(6),
    revoked_at          DATETIME(6),
    revoke_reason       VARCHAR(32),
    revoked_by          VARCHAR(128),
    revocation_attempts INTEGER      NOT NULL,
    next_attempt_at     DATETIME(6),
    last_error          MEDIUMTEXT,
    metadata            MEDIUMTEXT   NOT NULL,
    version             BIGINT       NOT NULL,
    due_at              DATETIME(6),
    claimed_by          VARCHAR(128),
    -- Claiming due work is an ordered range scan of this index (no partial indexes here; the
    -- range due_at <= now skips the finished leases, whose due_at is NULL).
    INDEX ${prefix}leases_due_idx (due_at),
    -- Listing one secret's leases in id order.
    INDEX ${prefix}leases_secret_idx (secret_name, id),
    -- Counting one secret's leases by state (the lease limit check on every create).
    INDEX ${prefix}leases_secret_state_idx (secret_name, state),
    -- Purging revoked history older than the retention period.
    INDEX ${prefix}leases_revoked_idx (state, revoked_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_0900_bin;

INSERT INTO ${prefix}schema_version (version, description, installed_at)
VALUES (1, 'leases', UTC_TIMESTAMP(6));
