package com.retail.lakehouse.jobs.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.retail.lakehouse.common.lake.Lake;
import com.retail.lakehouse.common.lake.TableId;
import com.retail.lakehouse.jobs.support.TestContexts;
import com.retail.lakehouse.jobs.support.TestSpark;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local runner's commands, through its command-line entry point. */
class PipelineCommandsTest {
  final ByteArrayOutputStream out = new ByteArrayOutputStream();
  final ByteArrayOutputStream err = new ByteArrayOutputStream();
  Pipeline pipeline;

  @BeforeEach
  void setUp() {
    TestSpark.get();
    pipeline =
        new Pipeline(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  /**
   * The classic Groceries data set mined at support 0.001 and confidence 0.5 gives 5,668 rules, the
   * figure published for it with R's arules (Hahsler et al.), whose strongest rule by lift is
   * {Instant food products, soda} => {hamburger meat}, lift 18.996.
   */
  @Test
  void rulesOnGroceriesMatchThePublishedFigures() {
    Path groceries = TestContexts.sample().getParent().resolve("groceries/groceries.csv.gz");
    int code =
        pipeline.run(
            new String[] {
              "rules",
              "--baskets",
              groceries.toString(),
              "--min-support",
              "0.001",
              "--min-confidence",
              "0.5",
              "--top",
              "1"
            });
    assertEquals(0, code, err());
    assertTrue(out().contains("9,835 baskets"), out());
    assertTrue(out().contains("5,668 rules"), out());
    assertTrue(out().contains("[Instant food products, soda] | hamburger meat"), out());
    assertTrue(out().contains("18.99565"), out());
  }

  @Test
  void sqlAddressesTablesAsLayerDotTable(@TempDir Path dir) {
    Lake lake = new Lake(dir.resolve("lake").toString());
    StructType schema =
        new StructType().add("id", DataTypes.LongType).add("name", DataTypes.StringType);
    List<Row> rows = List.of(RowFactory.create(2L, "b,c"), RowFactory.create(1L, "a"));
    lake.replace(new TableId("gold", "things"), TestSpark.get().createDataFrame(rows, schema), "t");

    String[] base = {"sql", "--lake", lake.root(), "--format"};
    assertEquals(0, pipeline.run(concat(base, "csv", "SELECT * FROM gold.things ORDER BY id")));
    assertEquals("id,name\n1,a\n2,\"b,c\"\n", out());

    out.reset();
    assertEquals(0, pipeline.run(concat(base, "json", "SELECT * FROM gold.things WHERE id = 1")));
    assertEquals("{\"id\":1,\"name\":\"a\"}\n", out());

    out.reset();
    assertEquals(0, pipeline.run(concat(base, "table", "SELECT count(*) AS n FROM gold.things")));
    assertEquals("n\n-\n2\n(1 row)\n", out());
  }

  @Test
  void aBadQueryIsOneLineAndExitCode2(@TempDir Path dir) {
    Lake lake = new Lake(dir.resolve("lake").toString());
    StructType schema = new StructType().add("id", DataTypes.LongType);
    lake.replace(
        new TableId("gold", "t"),
        TestSpark.get().createDataFrame(List.of(RowFactory.create(1L)), schema),
        "t");
    int code = pipeline.run(new String[] {"sql", "--lake", lake.root(), "SELECT nope FROM gold.t"});
    assertEquals(2, code);
    assertTrue(err().startsWith("error: query failed: "), err());
    assertEquals(1, err().strip().lines().count(), err());
  }

  @Test
  void usageErrorsExitWith2() {
    assertEquals(2, pipeline.run(new String[] {"frobnicate"}));
    assertTrue(err().startsWith("error: unknown command 'frobnicate'"), err());
    err.reset();
    assertEquals(2, pipeline.run(new String[] {"run", "--date", "2018-13-45"}));
    assertEquals("error: --date must be YYYY-MM-DD (got '2018-13-45')\n", err());
    err.reset();
    assertEquals(2, pipeline.run(new String[] {"sql", "--lake", "/nonexistent/lake", "SELECT 1"}));
    assertTrue(err().startsWith("error: no lake at /nonexistent/lake"), err());
    err.reset();
    assertEquals(
        2,
        pipeline.run(
            new String[] {
              "rules",
              "--baskets",
              "/nonexistent.csv",
              "--min-support",
              "0.1",
              "--min-confidence",
              "0.5"
            }));
    assertEquals("error: basket file not found: /nonexistent.csv\n", err());
    err.reset();
    assertEquals(2, pipeline.run(new String[] {"forget", "--lake", "/nonexistent/lake"}));
    assertEquals("error: forget needs exactly one of --email ADDRESS or --customer-id ID\n", err());
    err.reset();
    assertEquals(
        2, pipeline.run(new String[] {"forget", "--email", "a@b.c", "--customer-id", "CUST-1"}));
    assertEquals("error: forget needs exactly one of --email ADDRESS or --customer-id ID\n", err());
  }

  @Test
  void helpListsTheOptions() {
    assertEquals(0, pipeline.run(new String[] {"run", "--help"}));
    assertTrue(out().contains("--jdbc-url URL"), out());
    assertTrue(out().contains("--date YYYY-MM-DD"), out());
  }

  private static String[] concat(String[] base, String... more) {
    String[] all = new String[base.length + more.length];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(more, 0, all, base.length, more.length);
    return all;
  }
}
