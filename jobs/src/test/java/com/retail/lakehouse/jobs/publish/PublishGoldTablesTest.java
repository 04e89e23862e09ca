package com.retail.lakehouse.jobs.publish;

import static com.retail.lakehouse.jobs.support.Frames.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.retail.lakehouse.common.publish.Postgres;
import com.retail.lakehouse.common.publish.PostgresPublisher;
import com.retail.lakehouse.common.publish.RowChecksum;
import com.retail.lakehouse.common.publish.ServingSchema;
import com.retail.lakehouse.jobs.support.Frames;
import com.retail.lakehouse.jobs.support.TestDatabase;
import com.retail.lakehouse.jobs.support.TestSpark;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Date;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every gold table's shape through the migrated serving schema: the served rows equal the Delta
 * table's (read back by Spark's JDBC reader, a route independent of COPY), and keys, indexes,
 * comments and grants survive republishing; the analyst role reads and cannot write.
 */
class PublishGoldTablesTest {
  private static final String SCHEMA = "publish_gold";
  private static final String ODD =
      "quote \" comma , back\\slash, new\nline, tab\t, é, 🛒, 'single'";

  @TempDir static Path lake;

  @BeforeAll
  static void migrate() {
    ServingSchema.migrate(TestDatabase.get(), SCHEMA);
  }

  record Gold(String table, List<String> key, String ddl, Object[]... rows) {}

  static List<Gold> gold() {
    return List.of(
        new Gold(
            "customer_summary",
            List.of("household_id"),
            "household_id BIGINT, baskets BIGINT, items BIGINT, total_spend DECIMAL(12,2),"
                + " avg_basket_value DECIMAL(12,2), first_purchase DATE, last_purchase DATE,"
                + " recency_days INT, frequency BIGINT, monetary DECIMAL(12,2), r_score INT,"
                + " f_score INT, m_score INT, rfm_score STRING, rfm_segment STRING,"
                + " top_department STRING, coupons_redeemed BIGINT, campaigns_received BIGINT,"
                + " has_demographics BOOLEAN, age STRING, income STRING, home_ownership STRING,"
                + " marital_status STRING, household_size STRING, household_comp STRING,"
                + " kids_count STRING",
            row(
                1L,
                12L,
                40L,
                dec("1234.50"),
                dec("102.88"),
                date("2017-01-01"),
                date("2017-12-31"),
                2,
                12L,
                dec("1234.50"),
                5,
                4,
                5,
                "545",
                "Champions",
                "GROCERY",
                3L,
                2L,
                true,
                "45-54",
                "50-74K",
                "Homeowner",
                "Married",
                "2",
                ODD,
                "None/Unknown"),
            row(
                2L,
                1L,
                1L,
                dec("0.00"),
                dec("-0.01"),
                date("1999-02-28"),
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                "",
                null,
                null,
                0L,
                0L,
                false,
                null,
                null,
                null,
                null,
                null,
                null,
                null),
            row(
                3L,
                null,
                null,
                dec("9999999999.99"),
                null,
                null,
                date("2018-01-02"),
                0,
                1L,
                dec("-9999999999.99"),
                1,
                1,
                1,
                "111",
                "Lost",
                "",
                null,
                null,
                null,
                "",
                "",
                "",
                "",
                "",
                "",
                "")),
        new Gold(
            "product_performance",
            List.of("product_id"),
            "product_id BIGINT, department STRING, brand STRING, product_category STRING,"
                + " product_type STRING, baskets BIGINT, households BIGINT, quantity BIGINT,"
                + " revenue DECIMAL(12,2), discounts DECIMAL(12,2), rank_by_baskets INT",
            row(
                1004906L,
                "PRODUCE",
                "National",
                "POTATOES",
                ODD,
                10L,
                8L,
                12L,
                dec("20.97"),
                dec("-1.50"),
                1),
            row(26190L, null, null, null, null, null, null, null, null, null, null),
            row(
                9223372036854775807L,
                "",
                "Private",
                "",
                "",
                0L,
                0L,
                -5L,
                dec("0.01"),
                dec("0.00"),
                2147483647)),
        new Gold(
            "sales_by_day_department",
            List.of("sales_date", "department"),
            "sales_date DATE, department STRING, baskets BIGINT, households BIGINT,"
                + " quantity BIGINT, revenue DECIMAL(12,2), discounts DECIMAL(12,2)",
            row(date("2017-01-01"), "GROCERY", 100L, 90L, 300L, dec("1000.10"), dec("-10.00")),
            row(date("2017-01-01"), ODD, 1L, 1L, 1L, dec("1.00"), null),
            row(date("2017-01-02"), "", null, null, null, null, null)),
        new Gold(
            "frequent_itemsets",
            List.of("items"),
            "items ARRAY<STRING>, freq BIGINT, support DOUBLE, size INT",
            row(List.of("milk"), 300L, 0.1, 1),
            row(List.of("bread", "milk"), 90L, 0.030000000000000002, 2),
            row(Arrays.asList(ODD, "NULL", "", "{}"), 1L, 1.0e-300, 4),
            row(List.of("x"), null, null, null),
            row(List.of("y"), 2L, Double.MIN_VALUE, 1),
            row(List.of("z"), 3L, -0.0, 1)),
        new Gold(
            "association_rules",
            List.of("antecedent", "consequent"),
            "antecedent ARRAY<STRING>, consequent STRING, support DOUBLE, confidence DOUBLE,"
                + " lift DOUBLE",
            row(List.of("bread"), "milk", 0.03, 0.6666666666666666, 1.2345678901234567e20),
            row(List.of("bread", "eggs"), ODD, 1.0 / 3, Double.MAX_VALUE, 12345.678),
            row(Arrays.asList("a", null), "b", null, Double.NaN, Double.POSITIVE_INFINITY),
            row(List.of(), "c", Double.NEGATIVE_INFINITY, 0.0, 1.0)),
        new Gold(
            "customer_recommendations",
            List.of("household_id", "rank"),
            "household_id BIGINT, rank INT, product_id BIGINT, item STRING, score DOUBLE,"
                + " lift DOUBLE, because ARRAY<STRING>",
            row(1L, 1, 1004906L, "POTATOES", 0.75, 2.5, List.of("bread", "milk")),
            row(1L, 2, null, ODD, 0.1, 0.2, Arrays.asList(null, ODD)),
            row(2L, 1, 26190L, null, null, null, null),
            row(2L, 2, 1L, "", 1e-7, 3e10, List.of())),
        new Gold(
            "order_sales_by_day",
            List.of("order_date", "postcode_area", "customer_key"),
            "order_date DATE, postcode_area STRING, customer_key STRING, orders BIGINT,"
                + " revenue DECIMAL(14,2)",
            row(date("2024-03-01"), "SW", "9f86d081884c7d65", 2L, dec("15.00")),
            row(date("2024-03-01"), "UNKNOWN", ODD, 1L, dec("999999999999.99")),
            row(date("2024-03-02"), "", "", null, null)),
        new Gold(
            "product_profit_by_day",
            List.of("order_date", "product_id"),
            "order_date DATE, product_id BIGINT, department STRING, product_category STRING,"
                + " product_type STRING, units BIGINT, revenue DECIMAL(14,2), cost DECIMAL(14,2)",
            row(
                date("2024-03-01"),
                1004906L,
                "PRODUCE",
                "POTATOES",
                ODD,
                3L,
                dec("6.00"),
                dec("3.75")),
            row(date("2024-03-01"), 26190L, null, null, null, 1L, dec("0.00"), dec("0.10")),
            row(date("2024-03-02"), 1004906L, "", "", "", null, null, null)));
  }

  private static Date date(String iso) {
    return Date.valueOf(iso);
  }

  private static BigDecimal dec(String value) {
    return new BigDecimal(value);
  }

  /** The frame written as a Delta table and read back, as the publish job reads gold. */
  private static Dataset<Row> delta(Gold g, int version) {
    String path = lake.resolve(g.table() + "-" + version).toString();
    Frames.of(g.ddl(), g.rows()).write().format("delta").mode("overwrite").save(path);
    return TestSpark.get().read().format("delta").load(path);
  }

  private static Dataset<Row> servedBySpark(String schema, String table) {
    Postgres db = TestDatabase.get();
    Properties props = new Properties();
    props.setProperty("user", db.user());
    return TestSpark.get().read().jdbc(db.url(), schema + "." + table, props);
  }

  @Test
  void everyGoldTableIsServedExactlyAsInTheLake() throws Exception {
    String schema = "publish_rows";
    PostgresPublisher publisher = new PostgresPublisher(TestDatabase.get(), schema, 3);
    for (Gold g : gold()) {
      Dataset<Row> lakeTable = delta(g, 1);
      assertEquals(
          new PostgresPublisher.Outcome(g.rows().length, false),
          publisher.publish(lakeTable, g.table(), g.key(), 1, "run-1"),
          g.table());
      Dataset<Row> served = servedBySpark(schema, g.table());
      assertEquals(lakeTable.schema().simpleString(), served.schema().simpleString(), g.table());
      assertEquals(0, lakeTable.exceptAll(served).count(), g.table() + ": missing rows");
      assertEquals(0, served.exceptAll(lakeTable).count(), g.table() + ": extra rows");
      // NaN, infinities, -0.0 and the smallest subnormal exactly, which exceptAll may blur
      assertEquals(
          Frames.values(lakeTable.orderBy(g.key().get(0), lakeTable.columns()[1])).toString(),
          Frames.values(served.orderBy(g.key().get(0), served.columns()[1])).toString(),
          g.table());
    }
    assertEquals(
        List.of(
            List.of("association_rules", "1", "4"),
            List.of("customer_recommendations", "1", "4"),
            List.of("customer_summary", "1", "3"),
            List.of("frequent_itemsets", "1", "6"),
            List.of("order_sales_by_day", "1", "3"),
            List.of("product_performance", "1", "3"),
            List.of("product_profit_by_day", "1", "3"),
            List.of("sales_by_day_department", "1", "3")),
        query(
            "SELECT table_name, delta_version, row_count FROM ops.publish_log"
                + " WHERE table_schema = '"
                + schema
                + "' AND checksum IS NOT NULL ORDER BY table_name"));
  }

  @Test
  void theChecksumIsThePublishedRowsAndChangesWithAnyValue() throws Exception {
    Gold rules = gold().get(4);
    String schema = "publish_checksum";
    new PostgresPublisher(TestDatabase.get(), schema, 2)
        .publish(delta(rules, 2), rules.table(), rules.key(), 1, "run-c");
    String logged =
        query(
                "SELECT checksum::text FROM ops.publish_log WHERE table_schema = '"
                    + schema
                    + "' AND table_name = 'association_rules'")
            .get(0)
            .get(0);
    String sql =
        new RowChecksum(Frames.of(rules.ddl()).schema()).sql(schema + ".association_rules");
    assertEquals(List.of(List.of("4", logged)), query(sql));
    execute("UPDATE " + schema + ".association_rules SET lift = 1.0000000000000002 WHERE lift = 1");
    assertNotEquals(logged, query(sql).get(0).get(1));
    execute("UPDATE " + schema + ".association_rules SET lift = 1 WHERE lift > 1 AND lift < 1.1");
    assertEquals(logged, query(sql).get(0).get(1));
    execute(
        "UPDATE " + schema + ".association_rules SET antecedent = '{b,a}' WHERE consequent = 'b'");
    assertNotEquals(logged, query(sql).get(0).get(1));
  }

  @Test
  void keysIndexesCommentsAndGrantsSurviveRepublishing() throws Exception {
    String catalog =
        "SELECT tablename || ': ' || indexdef FROM pg_indexes WHERE schemaname = '"
            + SCHEMA
            + "' AND tablename NOT LIKE 'flyway%' ORDER BY 1";
    String comments =
        "SELECT c.relname, obj_description(c.oid, 'pg_class'),"
            + " has_table_privilege('retail_analyst', c.oid, 'SELECT'),"
            + " has_table_privilege('retail_analyst', c.oid, 'INSERT'),"
            + " (SELECT string_agg(a.attname || '=' || col_description(c.oid, a.attnum), ';')"
            + " FROM pg_attribute a WHERE a.attrelid = c.oid AND col_description(c.oid, a.attnum)"
            + " IS NOT NULL), (SELECT count(*) FROM pg_constraint k WHERE k.conrelid = c.oid"
            + " AND k.contype = 'p' AND k.conname = c.relname || '_pkey')"
            + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE n.nspname = '"
            + SCHEMA
            + "' AND c.relkind = 'r' AND c.relname NOT LIKE 'flyway%' ORDER BY 1";
    List<List<String>> indexesBefore = query(catalog);
    List<List<String>> commentsBefore = query(comments);
    // as migrated: the primary keys and the indexes the expected queries need
    assertEquals(
        List.of(
            List.of(
                "association_rules: CREATE INDEX association_rules_antecedent_gin ON"
                    + " publish_gold.association_rules USING gin (antecedent)"),
            List.of(
                "association_rules: CREATE INDEX association_rules_consequent_idx ON"
                    + " publish_gold.association_rules USING btree (consequent)"),
            List.of(
                "association_rules: CREATE UNIQUE INDEX association_rules_pkey ON"
                    + " publish_gold.association_rules USING btree (antecedent, consequent)"),
            List.of(
                "customer_recommendations: CREATE INDEX customer_recommendations_product_idx ON"
                    + " publish_gold.customer_recommendations USING btree (product_id)"),
            List.of(
                "customer_recommendations: CREATE UNIQUE INDEX customer_recommendations_pkey ON"
                    + " publish_gold.customer_recommendations USING btree (household_id, rank)"),
            List.of(
                "customer_summary: CREATE INDEX customer_summary_rfm_segment_idx ON"
                    + " publish_gold.customer_summary USING btree (rfm_segment)"),
            List.of(
                "customer_summary: CREATE UNIQUE INDEX customer_summary_pkey ON"
                    + " publish_gold.customer_summary USING btree (household_id)"),
            List.of(
                "frequent_itemsets: CREATE UNIQUE INDEX frequent_itemsets_pkey ON"
                    + " publish_gold.frequent_itemsets USING btree (items)"),
            List.of(
                "order_sales_by_day: CREATE UNIQUE INDEX order_sales_by_day_pkey ON"
                    + " publish_gold.order_sales_by_day USING btree (order_date, postcode_area,"
                    + " customer_key)"),
            List.of(
                "pipeline_runs: CREATE INDEX pipeline_runs_started_idx ON"
                    + " publish_gold.pipeline_runs USING btree (started_at)"),
            List.of(
                "pipeline_runs: CREATE UNIQUE INDEX pipeline_runs_pkey ON"
                    + " publish_gold.pipeline_runs USING btree (run_id, stage, started_at)"),
            List.of(
                "product_performance: CREATE INDEX product_performance_department_idx ON"
                    + " publish_gold.product_performance USING btree (department,"
                    + " rank_by_baskets)"),
            List.of(
                "product_performance: CREATE UNIQUE INDEX product_performance_pkey ON"
                    + " publish_gold.product_performance USING btree (product_id)"),
            List.of(
                "product_profit_by_day: CREATE INDEX product_profit_by_day_department_idx ON"
                    + " publish_gold.product_profit_by_day USING btree (department,"
                    + " product_category, order_date)"),
            List.of(
                "product_profit_by_day: CREATE UNIQUE INDEX product_profit_by_day_pkey ON"
                    + " publish_gold.product_profit_by_day USING btree (order_date, product_id)"),
            List.of(
                "quality_checks: CREATE INDEX quality_checks_checked_idx ON"
                    + " publish_gold.quality_checks USING btree (checked_at, status)"),
            List.of(
                "quality_checks: CREATE UNIQUE INDEX quality_checks_pkey ON"
                    + " publish_gold.quality_checks USING btree (run_id, stage, checked_at,"
                    + " table_name, rule)"),
            List.of(
                "sales_by_basket_department: CREATE INDEX sales_by_basket_department_date_idx ON"
                    + " publish_gold.sales_by_basket_department USING btree (sales_date,"
                    + " department)"),
            List.of(
                "sales_by_basket_department: CREATE UNIQUE INDEX sales_by_basket_department_pkey"
                    + " ON publish_gold.sales_by_basket_department USING btree (basket_id,"
                    + " department)"),
            List.of(
                "sales_by_day_department: CREATE INDEX sales_by_day_department_department_idx ON"
                    + " publish_gold.sales_by_day_department USING btree (department,"
                    + " sales_date)"),
            List.of(
                "sales_by_day_department: CREATE UNIQUE INDEX sales_by_day_department_pkey ON"
                    + " publish_gold.sales_by_day_department USING btree (sales_date,"
                    + " department)"),
            List.of(
                "sales_by_day_product: CREATE INDEX sales_by_day_product_department_idx ON"
                    + " publish_gold.sales_by_day_product USING btree (department,"
                    + " product_category, sales_date)"),
            List.of(
                "sales_by_day_product: CREATE INDEX sales_by_day_product_product_idx ON"
                    + " publish_gold.sales_by_day_product USING btree (product_id, sales_date)"),
            List.of(
                "sales_by_day_product: CREATE UNIQUE INDEX sales_by_day_product_pkey ON"
                    + " publish_gold.sales_by_day_product USING btree (sales_date, product_id)"),
            List.of(
                "table_freshness: CREATE UNIQUE INDEX table_freshness_pkey ON"
                    + " publish_gold.table_freshness USING btree (run_id, stage, checked_at,"
                    + " table_name)")),
        indexesBefore);
    // the six gold tables of V2, products by day and the run history of V5, baskets of V7, the
    // shop's daily grain of V8
    assertEquals(13, commentsBefore.size());
    for (List<String> table : commentsBefore) {
      assertTrue(table.get(1) != null && !table.get(1).isBlank(), table.toString());
      assertEquals(List.of("t", "f", "1"), List.of(table.get(2), table.get(3), table.get(5)));
    }
    assertTrue(commentsBefore.get(2).get(4).startsWith("rfm_segment=Champions"));

    PostgresPublisher publisher = new PostgresPublisher(TestDatabase.get(), SCHEMA);
    for (int version = 10; version < 12; version++) {
      for (Gold g : gold()) {
        // every table once; twice the ones with the most to carry over (gin index, comments)
        if (version == 10 || List.of("association_rules", "customer_summary").contains(g.table())) {
          publisher.publish(delta(g, version), g.table(), g.key(), version, "run-" + version);
        }
      }
      assertEquals(indexesBefore, query(catalog));
      assertEquals(commentsBefore, query(comments));
    }
    // no staging table is left behind
    assertEquals(
        List.of(List.of("0")),
        query(
            "SELECT count(*) FROM pg_tables WHERE schemaname = '"
                + SCHEMA
                + "' AND tablename LIKE '%staging%'"));
    // migrating again changes nothing
    assertEquals(0, ServingSchema.migrate(TestDatabase.get(), SCHEMA));
    assertEquals(
        List.of(
            List.of("1"),
            List.of("2"),
            List.of("3"),
            List.of("4"),
            List.of("5"),
            List.of("6"),
            List.of("7"),
            List.of("8")),
        query(
            "SELECT version FROM "
                + SCHEMA
                + ".flyway_schema_history WHERE version IS NOT NULL ORDER BY installed_rank"));
  }

  @Test
  void theAnalystRoleReadsTheServingSchemaAndNothingElse() throws Exception {
    Gold products = gold().get(1);
    new PostgresPublisher(TestDatabase.get(), SCHEMA)
        .publish(delta(products, 20), products.table(), products.key(), 20, "run-a");
    execute(
        "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ann_analyst')"
            + " THEN CREATE ROLE ann_analyst LOGIN; END IF; END $$;"
            + " GRANT retail_analyst TO ann_analyst");
    Postgres db = TestDatabase.get();
    Postgres ann =
        new Postgres(db.url().replace("user=postgres", "user=ann_analyst"), "ann_analyst", "");
    try (Connection c = ann.connect();
        Statement st = c.createStatement()) {
      try (ResultSet rs =
          st.executeQuery("SELECT count(*) FROM " + SCHEMA + ".product_performance")) {
        rs.next();
        assertEquals(3, rs.getLong(1));
      }
      // the publish log of this schema, through its view: the publish above, as the log holds it
      try (ResultSet rs =
          st.executeQuery(
              "SELECT table_name, delta_version, row_count, run_id FROM "
                  + SCHEMA
                  + ".publish_log WHERE run_id = 'run-a'")) {
        assertTrue(rs.next());
        assertEquals(
            List.of("product_performance", 20L, 3L, "run-a"),
            List.of(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getString(4)));
        assertFalse(rs.next());
      }
      for (String write :
          List.of(
              "INSERT INTO " + SCHEMA + ".product_performance (product_id) VALUES (42)",
              "UPDATE " + SCHEMA + ".product_performance SET brand = 'x'",
              "DELETE FROM " + SCHEMA + ".product_performance",
              "TRUNCATE " + SCHEMA + ".product_performance",
              "DROP TABLE " + SCHEMA + ".product_performance",
              "CREATE TABLE " + SCHEMA + ".mine (x int)",
              "CREATE TABLE public.mine (x int)",
              "SELECT count(*) FROM ops.publish_log")) {
        SQLException e = assertThrows(SQLException.class, () -> st.execute(write), write);
        assertTrue(
            e.getMessage().contains("permission denied")
                || e.getMessage().contains("must be owner"),
            write + ": " + e.getMessage());
      }
    }
    assertEquals(
        List.of(List.of("3")), query("SELECT count(*) FROM " + SCHEMA + ".product_performance"));
  }

  static List<List<String>> query(String sql) throws SQLException {
    List<List<String>> rows = new ArrayList<>();
    try (Connection c = TestDatabase.get().connect();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      while (rs.next()) {
        List<String> r = new ArrayList<>();
        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
          r.add(rs.getString(i));
        }
        rows.add(r);
      }
    }
    return rows;
  }

  static void execute(String sql) throws SQLException {
    try (Connection c = TestDatabase.get().connect();
        Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }
}
