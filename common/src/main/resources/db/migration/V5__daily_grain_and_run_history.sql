-- Products by day, the grain a date-range filter over products needs, and the pipeline's run and
-- data-quality history, served for dashboards (copies of the lake's ops tables, without the audit's
-- per-table detail map).

CREATE TABLE IF NOT EXISTS ${schema}.sales_by_day_product (
  sales_date       date   NOT NULL,
  product_id       bigint NOT NULL,
  department       text,
  product_category text,
  product_type     text,
  baskets          bigint,
  households       bigint,
  quantity         bigint,
  revenue          numeric(12, 2),
  discounts        numeric(12, 2),
  CONSTRAINT sales_by_day_product_pkey PRIMARY KEY (sales_date, product_id)
);
CREATE INDEX IF NOT EXISTS sales_by_day_product_department_idx
  ON ${schema}.sales_by_day_product (department, product_category, sales_date);
CREATE INDEX IF NOT EXISTS sales_by_day_product_product_idx
  ON ${schema}.sales_by_day_product (product_id, sales_date);
COMMENT ON TABLE ${schema}.sales_by_day_product IS
  'One row per day and product sold that day: baskets, households, quantity, revenue, discounts; department and category UNKNOWN for a product not in the catalogue yet.';

CREATE TABLE IF NOT EXISTS ${schema}.pipeline_runs (
  run_id           text        NOT NULL,
  stage            text        NOT NULL,
  logical_date     date        NOT NULL,
  started_at       timestamptz NOT NULL,
  finished_at      timestamptz,
  duration_ms      bigint,
  status           text,
  rows_read        bigint,
  rows_written     bigint,
  rows_flagged     bigint,
  rows_quarantined bigint,
  rows_duplicate   bigint,
  error            text,
  warnings         text[],
  CONSTRAINT pipeline_runs_pkey PRIMARY KEY (run_id, stage, started_at)
);
CREATE INDEX IF NOT EXISTS pipeline_runs_started_idx ON ${schema}.pipeline_runs (started_at);
COMMENT ON TABLE ${schema}.pipeline_runs IS
  'One row per stage run: status (succeeded, up_to_date, failed), duration and rows read, written, flagged, quarantined and removed as duplicates; the error of a failed run, and what a stage chose not to do (warnings).';

CREATE TABLE IF NOT EXISTS ${schema}.quality_checks (
  run_id           text             NOT NULL,
  stage            text             NOT NULL,
  logical_date     date             NOT NULL,
  checked_at       timestamptz      NOT NULL,
  table_name       text             NOT NULL,
  rule             text             NOT NULL,
  severity         text,
  action           text,
  rows_checked     bigint,
  rows_failed      bigint,
  max_failed_share double precision,
  status           text,
  detail           text,
  CONSTRAINT quality_checks_pkey PRIMARY KEY (run_id, stage, checked_at, table_name, rule)
);
CREATE INDEX IF NOT EXISTS quality_checks_checked_idx
  ON ${schema}.quality_checks (checked_at, status);
COMMENT ON TABLE ${schema}.quality_checks IS
  'One row per run, table and check: rows checked and failing each rule with its severity (warn, drop, fail) and the action taken, and the freshness and volume checks; status ok, warning or failure.';

CREATE TABLE IF NOT EXISTS ${schema}.table_freshness (
  run_id            text        NOT NULL,
  stage             text        NOT NULL,
  logical_date      date        NOT NULL,
  checked_at        timestamptz NOT NULL,
  table_name        text        NOT NULL,
  rows_added        bigint,
  row_count         bigint,
  newest_event_time timestamptz,
  CONSTRAINT table_freshness_pkey PRIMARY KEY (run_id, stage, checked_at, table_name)
);
COMMENT ON TABLE ${schema}.table_freshness IS
  'One row per run and table written: rows added, rows held and the newest event time (how fresh each source is).';
