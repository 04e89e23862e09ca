-- The publish log: one row per table published into a serving schema. The ops schema is shared by
-- every serving schema of the database, so this migration is idempotent (IF NOT EXISTS) and also
-- upgrades a log created before migrations existed.
CREATE SCHEMA IF NOT EXISTS ops;

CREATE TABLE IF NOT EXISTS ops.publish_log (
  table_schema  text        NOT NULL,
  table_name    text        NOT NULL,
  delta_version bigint      NOT NULL,
  row_count     bigint      NOT NULL,
  duration_ms   bigint      NOT NULL,
  run_id        text,
  published_at  timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE ops.publish_log ADD COLUMN IF NOT EXISTS checksum numeric(20, 0);

CREATE INDEX IF NOT EXISTS publish_log_table_idx
  ON ops.publish_log (table_schema, table_name, published_at DESC);

COMMENT ON TABLE ops.publish_log IS
  'One row per publish of a gold table: Delta version, rows, checksum (sum of row hashes mod 2^64), duration and time.';
COMMENT ON COLUMN ops.publish_log.checksum IS
  'Sum modulo 2^64 of each row''s hash, equal on the Delta table and the served table.';
