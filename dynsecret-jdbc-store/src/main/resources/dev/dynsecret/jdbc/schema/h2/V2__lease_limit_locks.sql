-- dynsecret lease store, schema version 2, H2 2.x: one row per dynamic secret with a lease limit.
--
-- A create under a lease limit locks its dynamic secret's row here, counts the secret's pending
-- and active leases and inserts the new one, all in one transaction: nodes creating at the same
-- instant take turns, so together they cannot pass the limit. Creates without a limit never touch
-- this table. Rows are made on first use and hold nothing but the name.
--
-- ${prefix} stands for the table prefix; the store applies this script after V1 when built with
-- createSchema(true), or a DBA runs it by hand with ${prefix} replaced.

CREATE TABLE ${prefix}secret_locks (
    secret_name VARCHAR(255) NOT NULL PRIMARY KEY
);

INSERT INTO ${prefix}schema_version (version, description, installed_at)
VALUES (2, 'lease limit locks', CURRENT_TIMESTAMP);
