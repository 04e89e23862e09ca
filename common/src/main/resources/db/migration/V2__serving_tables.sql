-- The served gold tables: columns and types as the Delta tables' (Spark long = bigint,
-- int = integer, decimal(12,2) = numeric(12,2), double = double precision, array<string> = text[]).
-- A publish replaces their rows atomically and keeps these keys, indexes, comments and grants.

CREATE TABLE IF NOT EXISTS ${schema}.customer_summary (
  household_id       bigint NOT NULL,
  baskets            bigint,
  items              bigint,
  total_spend        numeric(12, 2),
  avg_basket_value   numeric(12, 2),
  first_purchase     date,
  last_purchase      date,
  recency_days       integer,
  frequency          bigint,
  monetary           numeric(12, 2),
  r_score            integer,
  f_score            integer,
  m_score            integer,
  rfm_score          text,
  rfm_segment        text,
  top_department     text,
  coupons_redeemed   bigint,
  campaigns_received bigint,
  has_demographics   boolean,
  age                text,
  income             text,
  home_ownership     text,
  marital_status     text,
  household_size     text,
  household_comp     text,
  kids_count         text,
  CONSTRAINT customer_summary_pkey PRIMARY KEY (household_id)
);
CREATE INDEX IF NOT EXISTS customer_summary_rfm_segment_idx
  ON ${schema}.customer_summary (rfm_segment);
COMMENT ON TABLE ${schema}.customer_summary IS
  'One row per household with purchases up to the logical date: baskets, spend, RFM scores and segment, demographics.';
COMMENT ON COLUMN ${schema}.customer_summary.rfm_segment IS
  'Champions, Loyal, Promising, Needs attention, At risk, Hibernating or Lost, from the R and F scores.';

CREATE TABLE IF NOT EXISTS ${schema}.product_performance (
  product_id       bigint NOT NULL,
  department       text,
  brand            text,
  product_category text,
  product_type     text,
  baskets          bigint,
  households       bigint,
  quantity         bigint,
  revenue          numeric(12, 2),
  discounts        numeric(12, 2),
  rank_by_baskets  integer,
  CONSTRAINT product_performance_pkey PRIMARY KEY (product_id)
);
CREATE INDEX IF NOT EXISTS product_performance_department_idx
  ON ${schema}.product_performance (department, rank_by_baskets);
COMMENT ON TABLE ${schema}.product_performance IS
  'One row per product sold: baskets, households, quantity, revenue, discounts and rank by baskets.';

CREATE TABLE IF NOT EXISTS ${schema}.sales_by_day_department (
  sales_date date NOT NULL,
  department text NOT NULL,
  baskets    bigint,
  households bigint,
  quantity   bigint,
  revenue    numeric(12, 2),
  discounts  numeric(12, 2),
  CONSTRAINT sales_by_day_department_pkey PRIMARY KEY (sales_date, department)
);
CREATE INDEX IF NOT EXISTS sales_by_day_department_department_idx
  ON ${schema}.sales_by_day_department (department, sales_date);
COMMENT ON TABLE ${schema}.sales_by_day_department IS
  'One row per day and department: baskets, households, quantity, revenue and discounts.';

CREATE TABLE IF NOT EXISTS ${schema}.frequent_itemsets (
  items   text[] NOT NULL,
  freq    bigint,
  support double precision,
  size    integer,
  CONSTRAINT frequent_itemsets_pkey PRIMARY KEY (items)
);
COMMENT ON TABLE ${schema}.frequent_itemsets IS
  'One row per frequent itemset found by FP-Growth: its items, baskets holding it and support.';

CREATE TABLE IF NOT EXISTS ${schema}.association_rules (
  antecedent text[] NOT NULL,
  consequent text   NOT NULL,
  support    double precision,
  confidence double precision,
  lift       double precision,
  CONSTRAINT association_rules_pkey PRIMARY KEY (antecedent, consequent)
);
-- rules by antecedent: equality through the key, containment (antecedent @> ARRAY[...]) here
CREATE INDEX IF NOT EXISTS association_rules_antecedent_gin
  ON ${schema}.association_rules USING gin (antecedent);
CREATE INDEX IF NOT EXISTS association_rules_consequent_idx
  ON ${schema}.association_rules (consequent);
COMMENT ON TABLE ${schema}.association_rules IS
  'One row per association rule antecedent => consequent, with support, confidence and lift.';

CREATE TABLE IF NOT EXISTS ${schema}.customer_recommendations (
  household_id bigint  NOT NULL,
  rank         integer NOT NULL,
  product_id   bigint,
  item         text,
  score        double precision,
  lift         double precision,
  because      text[],
  CONSTRAINT customer_recommendations_pkey PRIMARY KEY (household_id, rank)
);
CREATE INDEX IF NOT EXISTS customer_recommendations_product_idx
  ON ${schema}.customer_recommendations (product_id);
COMMENT ON TABLE ${schema}.customer_recommendations IS
  'One row per household and rank: the recommended product, the mined item, the rule''s confidence (score), lift and antecedent (because).';
