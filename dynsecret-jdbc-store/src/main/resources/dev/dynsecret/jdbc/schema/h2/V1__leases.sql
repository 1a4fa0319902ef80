-- dynsecret lease store, schema version 1, H2 2.x.
--
-- ${prefix} stands for the table prefix (default: dynsecret_). The store runs this script itself
-- when built with createSchema(true); JdbcLeaseStore.schemaSql(SqlDialect.H2, "dynsecret_")
-- prints it with the prefix filled in.
--
-- No column holds secret data: a lease records only how to find, renew and revoke its credential.
-- Times are TIMESTAMP WITH TIME ZONE (microseconds, written as UTC instants).

CREATE TABLE ${prefix}schema_version (
    version      INTEGER      NOT NULL PRIMARY KEY,
    description  VARCHAR(200) NOT NULL,
    installed_at TIMESTAMP(6) WITH TIME ZONE NOT NULL
);

CREATE TABLE ${prefix}leases (
    id                  VARCHAR(128) NOT NULL PRIMARY KEY,
    secret_name         VARCHAR(255) NOT NULL,
    external_id         VARCHAR(1024),
    state               VARCHAR(32)  NOT NULL,
    created_at          TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    expires_at          TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    hard_limit_at       TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    renewed_at          TIMESTAMP(6) WITH TIME ZONE,
    revoked_at          TIMESTAMP(6) WITH TIME ZONE,
    revoke_reason       VARCHAR(32),
    revoked_by          VARCHAR(128),
    revocation_attempts INTEGER      NOT NULL,
    next_attempt_at     TIMESTAMP(6) WITH TIME ZONE,
    last_error          CHARACTER VARYING,
    metadata            CHARACTER VARYING NOT NULL,
    version             BIGINT       NOT NULL,
    due_at              TIMESTAMP(6) WITH TIME ZONE,
    claimed_by          VARCHAR(128)
);

-- Claiming due work is a range scan of this index (H2 has no partial indexes; the range
-- due_at <= now skips the leases without due_at).
CREATE INDEX ${prefix}leases_due_idx ON ${prefix}leases (due_at);

-- Listing one secret's leases in id order.
CREATE INDEX ${prefix}leases_secret_idx ON ${prefix}leases (secret_name, id);

-- Counting one secret's leases by state (the lease limit check on every create).
CREATE INDEX ${prefix}leases_secret_state_idx ON ${prefix}leases (secret_name, state);

-- Purging revoked history older than the retention period.
CREATE INDEX ${prefix}leases_revoked_idx ON ${prefix}leases (state, revoked_at);

INSERT INTO ${prefix}schema_version (version, description, installed_at)
VALUES (1, 'leases', CURRENT_TIMESTAMP);
