-- Baskets by department, the grain at which the dashboard counts baskets and households exactly
-- over any date range and set of departments (the tables by day can only add their counts up).

CREATE TABLE IF NOT EXISTS ${schema}.sales_by_basket_department (
  sales_date   date   NOT NULL,
  basket_id    bigint NOT NULL,
  department   text   NOT NULL,
  household_id bigint NOT NULL,
  quantity     bigint,
  revenue      numeric(12, 2),
  discounts    numeric(12, 2),
  CONSTRAINT sales_by_basket_department_pkey PRIMARY KEY (basket_id, department)
);
CREATE INDEX IF NOT EXISTS sales_by_basket_department_date_idx
  ON ${schema}.sales_by_basket_department (sales_date, department);
COMMENT ON TABLE ${schema}.sales_by_basket_department IS
  'One row per basket and department it holds: day, household, quantity, revenue, discounts; count(DISTINCT household_id) and count(DISTINCT basket_id) over any filter are exact. Department UNKNOWN for a product not in the catalogue yet.';
