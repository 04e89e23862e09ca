package com.retail.lakehouse.jobs.quality;

import static com.retail.lakehouse.jobs.support.Frames.expect;
import static com.retail.lakehouse.jobs.support.Frames.values;
import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.retail.lakehouse.common.cli.JobContext;
import com.retail.lakehouse.common.cli.StageResult;
import com.retail.lakehouse.common.lake.Lake;
import com.retail.lakehouse.common.lake.Tables;
import com.retail.lakehouse.common.quality.QualityFailure;
import com.retail.lakehouse.jobs.BronzeIngestJob;
import com.retail.lakehouse.jobs.SilverJob;
import com.retail.lakehouse.jobs.Stages;
import com.retail.lakehouse.jobs.support.TestContexts;
import com.retail.lakehouse.jobs.support.TestSpark;
import com.retail.lakehouse.jobs.support.TinyLanding;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A landing with planted lines of every kind of bad input, each with its hand-worked fate: a day of
 * good files first ({@link TinyLanding}), then a second day's files holding the bad lines, a file
 * with an extra column, a products file that brings a late product (and a brand with bytes that are
 * not UTF-8), and a promotions file missing a required column.
 */
class BadRowsTest {
  static final String HEADER =
      "household_id,store_id,basket_id,product_id,quantity,sales_value,retail_disc,coupon_disc,"
          + "coupon_match_disc,week,transaction_timestamp";
  static final String WHEN = "2017-02-01T10:00:00Z";

  static String line(String household, String basket, String product, String qty, String ts) {
    return household + ",10," + basket + "," + product + "," + qty + ",2.50,0.10,0,0,6," + ts;
  }

  @Test
  void everyKindOfBadRowLandsWhereItsRuleSays(@TempDir Path tmp) throws Exception {
    SparkSession spark = TestSpark.get();
    Path landing = Files.createDirectories(tmp.resolve("landing"));
    TinyLanding.write(landing);
    JobContext ctx = TestContexts.local(tmp.resolve("lake"), landing, "2017-03-01");
    Lake lake = ctx.lake();
    Stages.execute(new BronzeIngestJob(), spark, ctx);
    Stages.execute(new SilverJob(), spark, ctx);
    long promotionsVersion = lake.version(spark, Tables.bronze("promotions"));

    // day two: 12 lines, 4 good ones among them
    Files.writeString(
        landing.resolve("transactions_2017-02-01.csv"),
        String.join(
                "\n",
                HEADER,
                line("5", "3001", "100", "1", WHEN), // good
                line("5", "3001", "200", "2", WHEN), // good
                line("5", "3001", "200", "2", WHEN), // exact duplicate line: removed
                "5,10,3002,100", // wrong column count: malformed_line
                line("5", "3003", "100", "x", WHEN), // non-numeric quantity
                line("5", "3004", "100", "-3", WHEN), // negative quantity
                "5,10,3005,100,1,\"2.50,0.10,0,0,6," + WHEN, // unbalanced quote
                line("5", "3006", "100", "1", "2017-13-45T99:00:00Z"), // unparseable timestamp
                line("", "3007", "100", "1", WHEN), // missing household
                line("5", "3008", "777", "1", WHEN), // unknown product: kept, flagged
                line("6", "3009", "300", "1", WHEN)) // good
            + "\n");
    // bytes that are not UTF-8 in a quantity (a number) and in a brand (a text)
    ByteArrayOutputStream bad = new ByteArrayOutputStream();
    bad.write((HEADER + "\n6,10,3010,100,").getBytes(StandardCharsets.UTF_8));
    bad.write(new byte[] {(byte) 0xff, (byte) 0xfe});
    bad.write((",2.50,0.10,0,0,6," + WHEN + "\n").getBytes(StandardCharsets.UTF_8));
    Files.write(landing.resolve("transactions_2017-02-01b.csv"), bad.toByteArray());
    // an extra column (kept in bronze, reported) and one good line
    Files.writeString(
        landing.resolve("transactions_2017-02-02.csv"),
        HEADER
            + ",loyalty_card\n"
            + line("7", "3011", "100", "1", "2017-02-02T09:00:00Z")
            + ",L-7\n");
    // product 999 arrives late; product 888 has a brand with bytes that are not UTF-8
    ByteArrayOutputStream products = new ByteArrayOutputStream();
    products.write(
        ("product_id,manufacturer_id,department,brand,product_category,product_type,package_size\n"
                + "999,3,DELI,Private,CHEESE,BRIE,8 OZ\n888,3,DELI,")
            .getBytes(StandardCharsets.UTF_8));
    products.write(new byte[] {(byte) 0xc3, (byte) 0x28});
    products.write(",CHEESE,FETA,8 OZ\n".getBytes(StandardCharsets.UTF_8));
    Files.write(landing.resolve("products_2.csv"), products.toByteArray());
    // a promotions file without its required week column
    Files.writeString(
        landing.resolve("promotions_2.csv"),
        "product_id,store_id,display_location,mailer_location\n100,10,1,A\n");

    JobContext day2 = TestContexts.local(tmp.resolve("lake"), landing, "2017-03-01");
    QualityFailure drift =
        assertThrows(
            QualityFailure.class, () -> Stages.execute(new BronzeIngestJob(), spark, day2));
    assertTrue(
        drift.getMessage().contains("promotions_2.csv: missing required columns [week]"),
        drift.getMessage());
    // the other sources went in; promotions waits for a corrected file
    assertEquals(promotionsVersion, lake.version(spark, Tables.bronze("promotions")));
    assertEquals(
        List.of(expect("L-7")),
        values(
            lake.read(spark, Tables.bronze("transactions"))
                .filter(col("loyalty_card").isNotNull())
                .select("loyalty_card")));
    assertEquals(
        List.of(
            expect("bronze.promotions", "failure", "fail"),
            expect("bronze.transactions", "warning", "warn")),
        values(
            lake.read(spark, Tables.OPS_QUALITY_CHECKS)
                .filter(col("rule").equalTo("schema_drift").and(col("status").notEqual("ok")))
                .orderBy("table_name")
                .select("table_name", "status", "severity")));

    StageResult silver = Stages.execute(new SilverJob(), spark, day2);
    // 11 + 1 + 1 transaction lines read = 5 written (1 flagged) + 7 quarantined + 1 duplicate
    assertEquals(13L, silver.details().get("transactions.read"));
    assertEquals(5L, silver.details().get("transactions.written"));
    assertEquals(1L, silver.details().get("transactions.flagged"));
    assertEquals(7L, silver.details().get("transactions.quarantined"));
    assertEquals(1L, silver.details().get("transactions.duplicates"));

    assertEquals(
        List.of(
            // four fields where the header has eleven: the reader fills the first four
            expect(
                "3002",
                List.of(
                    "malformed_line",
                    "missing:quantity",
                    "missing:sales_value",
                    "missing:transaction_timestamp")),
            expect("3003", List.of("invalid_number:quantity")),
            expect("3004", List.of("negative_quantity")),
            // the open quote swallows the rest of the line into sales_value
            expect(
                "3005",
                List.of(
                    "malformed_line",
                    "invalid_amount:sales_value",
                    "missing:transaction_timestamp")),
            expect("3006", List.of("invalid_timestamp:transaction_timestamp")),
            expect("3007", List.of("missing:household_id")),
            // the two bytes are read as replacement characters, which are no number
            expect("3010", List.of("invalid_number:quantity"))),
        values(
            lake.read(spark, Tables.quarantine("transactions"))
                .filter(col("_source_file").startsWith("transactions_2017"))
                .orderBy(col("basket_id").asc_nulls_last())
                .select("basket_id", "failed_rules")));

    // every good line is in silver; the late product's line is flagged, the old one resolved
    assertEquals(
        List.of(
            expect(1002L, 999L, List.of()),
            expect(3001L, 100L, List.of()),
            expect(3001L, 200L, List.of()),
            expect(3008L, 777L, List.of("unknown_product")),
            expect(3009L, 300L, List.of()),
            expect(3011L, 100L, List.of())),
        values(
            lake.read(spark, Tables.SILVER_TRANSACTIONS)
                .filter(col("basket_id").geq(3000).or(col("product_id").equalTo(999)))
                .orderBy("basket_id", "product_id")
                .select("basket_id", "product_id", "dq_flags")));
    assertEquals(
        List.of(expect(888L, List.of("invalid_encoding")), expect(999L, List.of())),
        values(
            lake.read(spark, Tables.SILVER_PRODUCTS)
                .filter(col("product_id").isin(888L, 999L))
                .orderBy("product_id")
                .select("product_id", "dq_flags")));
  }
}
