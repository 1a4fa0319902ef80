-- dynsecret lease store, schema version 2, MySQL 8.0.17 or later: one row per dynamic secret with
-- a lease limit.
--
-- A create under a lease limit locks its dynamic secret's row here (SELECT ... FOR UPDATE), counts
-- the secret's pending and active leases and inserts the new one, all in one READ COMMITTED
-- transaction: nodes creating at the same instant take turns, so together they cannot pass the
-- limit. Creates without a limit never touch this table. Rows are made on first use (INSERT ... ON
-- DUPLICATE KEY UPDATE, so a node that made it first is no error) and hold nothing but the name.
--
-- ${prefix} stands for the table prefix; the store applies this script after V1 when built with
-- createSchema(true), or a DBA runs it by hand with ${prefix} replaced.

CREATE TABLE IF NOT EXISTS ${prefix}secret_locks (
    secret_name VARCHAR(255) NOT NULL PRIMARY KEY
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_0900_bin;

INSERT INTO ${prefix}schema_version (version, description, installed_at)
VALUES (2, 'lease limit locks', UTC_TIMESTAMP(6));
