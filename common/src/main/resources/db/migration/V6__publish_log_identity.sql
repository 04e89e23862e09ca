-- What a publish served, precisely enough to tell when the lake has something else: Delta's table
-- id (a UUID Delta gives a table when it is created; a re-created table or another lake has
-- another) beside its version, and the OID of the served table the publish swapped in (a database
-- restored from a dump, or a table re-created by hand, has another). A publish skips a table only
-- when all three match; rows written before this migration have none, so their tables are
-- republished once.
ALTER TABLE ops.publish_log ADD COLUMN IF NOT EXISTS delta_table_id text;
ALTER TABLE ops.publish_log ADD COLUMN IF NOT EXISTS served_oid oid;

COMMENT ON COLUMN ops.publish_log.delta_table_id IS
  'Delta table id (metadata id) of the lake table published: with delta_version, which version of which table is served.';
COMMENT ON COLUMN ops.publish_log.served_oid IS
  'OID of the served table this publish swapped in; a served table with another OID was not made by this publish.';
