package com.retail.lakehouse.jobs.support;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;

/** Hand-made DataFrames in, plain Java values out, so expectations stay plain Java. */
public final class Frames {
  private Frames() {}

  /** A DataFrame of the given DDL schema ({@code "a BIGINT, b STRING"}) and rows. */
  public static Dataset<Row> of(String ddl, Object[]... rows) {
    List<Row> list = new ArrayList<>();
    for (Object[] r : rows) {
      list.add(RowFactory.create(r));
    }
    return TestSpark.get().createDataFrame(list, StructType.fromDDL(ddl));
  }

  /** Rows {@code (k bigint, v bigint)} from keys and values given in turn: k1, v1, k2, v2... */
  public static Dataset<Row> keysAndValues(long... keysAndValues) {
    Object[][] rows = new Object[keysAndValues.length / 2][];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = row(keysAndValues[2 * i], keysAndValues[2 * i + 1]);
    }
    return of("k bigint, v bigint", rows);
  }

  /** Shorthand for a row literal. */
  public static Object[] row(Object... values) {
    return values;
  }

  /** Every row as a list of Java values, arrays as Java lists, in the DataFrame's order. */
  public static List<List<Object>> values(Dataset<Row> df) {
    List<List<Object>> out = new ArrayList<>();
    for (Row r : df.collectAsList()) {
      out.add(values(r));
    }
    return out;
  }

  public static List<Object> values(Row r) {
    List<Object> v = new ArrayList<>();
    for (int i = 0; i < r.size(); i++) {
      Object o = r.get(i);
      if (o instanceof scala.collection.Seq<?> seq) {
        o = new ArrayList<Object>(scala.jdk.javaapi.CollectionConverters.asJava(seq));
      }
      v.add(o);
    }
    return v;
  }

  /** A row of expected values, as {@link #values(Row)} returns them. */
  public static List<Object> expect(Object... values) {
    return new ArrayList<>(Arrays.asList(values));
  }
}
