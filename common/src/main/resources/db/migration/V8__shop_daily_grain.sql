-- The shop's orders by day, the grain a date-range filter over the map and the profit figures needs
-- (gold.sales_by_region and gold.product_profit cover all dates): per day, postcode area and customer
-- pseudonym, and per day and product. Cancelled and refunded orders are not sales and are left out.

CREATE TABLE IF NOT EXISTS ${schema}.order_sales_by_day (
  order_date    date   NOT NULL,
  postcode_area text   NOT NULL,
  customer_key  text   NOT NULL,
  orders        bigint,
  revenue       numeric(14, 2),
  CONSTRAINT order_sales_by_day_pkey PRIMARY KEY (order_date, postcode_area, customer_key)
);
-- no index beyond the key: the map reads one date range (the key leads with the date), all areas
COMMENT ON TABLE ${schema}.order_sales_by_day IS
  'One row per order date, UK postcode area and customer of the shop''s orders that count as sales: orders and revenue. Orders, distinct customers and revenue per area over any dates are sums and a distinct count of these rows.';
COMMENT ON COLUMN ${schema}.order_sales_by_day.postcode_area IS
  'Letters of the outward code (SW1A 1AA -> SW); UNKNOWN for an order without a usable postcode.';
COMMENT ON COLUMN ${schema}.order_sales_by_day.customer_key IS
  'The customer''s pseudonym (HMAC of the shop''s customer id), never the id itself.';

CREATE TABLE IF NOT EXISTS ${schema}.product_profit_by_day (
  order_date       date   NOT NULL,
  product_id       bigint NOT NULL,
  department       text,
  product_category text,
  product_type     text,
  units            bigint,
  revenue          numeric(14, 2),
  cost             numeric(14, 2),
  CONSTRAINT product_profit_by_day_pkey PRIMARY KEY (order_date, product_id)
);
CREATE INDEX IF NOT EXISTS product_profit_by_day_department_idx
  ON ${schema}.product_profit_by_day (department, product_category, order_date);
COMMENT ON TABLE ${schema}.product_profit_by_day IS
  'One row per order date and product sold that day in the shop''s orders that count as sales: units, revenue, cost; department, category and type empty for a product not in the catalogue yet. Margin over any dates = sum(revenue) - sum(cost).';
