-- What the analysts may know of the publish log: when each table of this serving schema was last
-- published, from which Delta version and with how many rows (a dashboard's "data as of"). The
-- view reads ops.publish_log with its owner's rights, so retail_analyst, which has no privilege on
-- ops, reads this schema's rows of it through the view and nothing else of ops.
CREATE OR REPLACE VIEW ${schema}.publish_log AS
SELECT table_name, delta_version, row_count, run_id, published_at
FROM ops.publish_log
WHERE table_schema = '${schema_name}';

COMMENT ON VIEW ${schema}.publish_log IS
  'One row per publish of a table of this schema (from ops.publish_log): Delta version, rows, run and time.';

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'retail_analyst') THEN
    EXECUTE 'GRANT SELECT ON ${schema}.publish_log TO retail_analyst';
  END IF;
END
$$;
