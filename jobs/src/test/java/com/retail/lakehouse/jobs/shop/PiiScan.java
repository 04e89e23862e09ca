package com.retail.lakehouse.jobs.shop;

import com.retail.lakehouse.common.lake.Lake;
import com.retail.lakehouse.common.lake.TableId;
import com.retail.lakehouse.common.pii.Pseudonymizer;
import com.retail.lakehouse.common.publish.Postgres;
import com.retail.lakehouse.jobs.local.SimulatedShop;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

/**
 * Looks for customers' personal data in clear in every string column of Delta tables and PostgreSQL
 * tables: names as whole words, emails in any case, phones raw and normalised, street addresses.
 * Returns where each hit is, so a failure says what leaked.
 */
final class PiiScan {
  private final List<Pattern> needles = new ArrayList<>();

  private PiiScan() {}

  /**
   * A scan for what identifies these customers alone (names are shared by other customers): ids,
   * emails, phones, street addresses and postcodes.
   */
  static PiiScan identifiers(Collection<SimulatedShop.Customer> customers) {
    PiiScan scan = new PiiScan();
    for (SimulatedShop.Customer c : customers) {
      scan.word(c.customerId());
      scan.literal(c.email());
      scan.literal(c.phone());
      scan.literal(Pseudonymizer.normalizePhone(c.phone()));
      scan.literal(c.streetAddress());
      scan.literal(c.postcode());
    }
    return scan;
  }

  PiiScan(Collection<SimulatedShop.Customer> customers) {
    for (SimulatedShop.Customer c : customers) {
      word(c.firstName());
      word(c.lastName());
      literal(c.email());
      literal(c.phone());
      literal(Pseudonymizer.normalizePhone(c.phone()));
      literal(c.phone().replace(" ", ""));
      literal(c.streetAddress());
      literal(c.postcode());
    }
  }

  private void word(String value) {
    needles.add(Pattern.compile("\\b" + Pattern.quote(value) + "\\b", Pattern.CASE_INSENSITIVE));
  }

  private void literal(String value) {
    needles.add(Pattern.compile(Pattern.quote(value), Pattern.CASE_INSENSITIVE));
  }

  /** "table.column: value ~ needle" for each hit in the given values. */
  private void check(String where, String value, List<String> hits) {
    if (value == null) {
      return;
    }
    for (Pattern p : needles) {
      if (p.matcher(value).find()) {
        hits.add(where + ": '" + abbreviate(value) + "' ~ " + p.pattern());
        return;
      }
    }
  }

  private static String abbreviate(String v) {
    return v.length() > 80 ? v.substring(0, 80) + "..." : v;
  }

  /** Hits in every string column of the lake's tables. */
  List<String> scanLake(SparkSession spark, Lake lake, List<TableId> tables) {
    List<String> hits = new ArrayList<>();
    for (TableId t : tables) {
      var df = lake.read(spark, t);
      for (StructField f : df.schema().fields()) {
        if (!f.dataType().equals(DataTypes.StringType)) {
          continue;
        }
        for (Row r : df.select(f.name()).distinct().collectAsList()) {
          check(t + "." + f.name(), r.getString(0), hits);
        }
      }
    }
    return hits;
  }

  /** Hits in every text column of every table of the PostgreSQL schemas. */
  List<String> scanDatabase(Postgres db, List<String> schemas) throws SQLException {
    List<String> hits = new ArrayList<>();
    try (Connection c = db.connect();
        Statement st = c.createStatement()) {
      List<String[]> columns = new ArrayList<>();
      try (ResultSet rs =
          st.executeQuery(
              "SELECT table_schema, table_name, column_name FROM information_schema.columns"
                  + " WHERE data_type IN ('text', 'character varying', 'character')"
                  + " AND table_schema IN ('"
                  + String.join("','", schemas)
                  + "')")) {
        while (rs.next()) {
          columns.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3)});
        }
      }
      for (String[] col : columns) {
        String where = col[0] + "." + col[1] + "." + col[2];
        try (ResultSet rs =
            st.executeQuery(
                "SELECT DISTINCT \"" + col[2] + "\" FROM \"" + col[0] + "\".\"" + col[1] + "\"")) {
          while (rs.next()) {
            check(where, rs.getString(1), hits);
          }
        }
      }
    }
    return hits;
  }

  /** The text columns of the schemas, to show the scan looked somewhere. */
  static long textColumns(Postgres db, String schema) throws SQLException {
    try (Connection c = db.connect();
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT count(*) FROM information_schema.columns WHERE table_schema = '"
                    + schema
                    + "' AND data_type IN ('text', 'character varying')")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }
}
