package com.retail.lakehouse.common.publish;

import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** Spark rows to PostgreSQL: column types for CREATE TABLE and CSV lines for COPY. */
public final class CopyEncoder {
  private CopyEncoder() {}

  /** The PostgreSQL type of a Spark column type. */
  public static String sqlType(DataType type) {
    if (type instanceof DecimalType d) {
      return "numeric(" + d.precision() + "," + d.scale() + ")";
    }
    if (type instanceof ArrayType a) {
      return sqlType(a.elementType()) + "[]";
    }
    if (type.equals(DataTypes.StringType)) {
      return "text";
    }
    if (type.equals(DataTypes.LongType)) {
      return "bigint";
    }
    if (type.equals(DataTypes.IntegerType)) {
      return "integer";
    }
    if (type.equals(DataTypes.DoubleType)) {
      return "double precision";
    }
    if (type.equals(DataTypes.BooleanType)) {
      return "boolean";
    }
    if (type.equals(DataTypes.DateType)) {
      return "date";
    }
    if (type.equals(DataTypes.TimestampType)) {
      return "timestamptz";
    }
    throw new IllegalArgumentException("no PostgreSQL type for Spark type " + type.simpleString());
  }

  /** Column definitions for CREATE TABLE, in the schema's order. */
  public static String columnDefinitions(StructType schema) {
    StringBuilder sql = new StringBuilder();
    for (StructField f : schema.fields()) {
      if (!sql.isEmpty()) {
        sql.append(", ");
      }
      sql.append(quoteIdentifier(f.name())).append(' ').append(sqlType(f.dataType()));
      if (!f.nullable()) {
        sql.append(" NOT NULL");
      }
    }
    return sql.toString();
  }

  public static String quoteIdentifier(String name) {
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }

  /**
   * One row as a line of PostgreSQL's COPY CSV format: a null is an empty unquoted field, every
   * other text is quoted (so an empty string stays an empty string).
   */
  public static String csvLine(Row row) {
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < row.size(); i++) {
      if (i > 0) {
        line.append(',');
      }
      if (!row.isNullAt(i)) {
        line.append(quote(text(row.get(i))));
      }
    }
    return line.append('\n').toString();
  }

  static String text(Object value) {
    if (value instanceof BigDecimal d) {
      return d.toPlainString();
    }
    if (value instanceof Timestamp t) {
      return t.toInstant().toString();
    }
    if (value instanceof Instant t) {
      return t.toString();
    }
    if (value instanceof scala.collection.Seq<?> seq) {
      return arrayLiteral(scala.jdk.javaapi.CollectionConverters.asJava(seq));
    }
    if (value instanceof List<?> list) {
      return arrayLiteral(list);
    }
    return value.toString();
  }

  /** A PostgreSQL array literal: {"a","b",NULL}. */
  static String arrayLiteral(List<?> items) {
    StringBuilder s = new StringBuilder("{");
    for (int i = 0; i < items.size(); i++) {
      if (i > 0) {
        s.append(',');
      }
      Object item = items.get(i);
      if (item == null) {
        s.append("NULL");
      } else {
        s.append('"').append(text(item).replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
      }
    }
    return s.append('}').toString();
  }

  private static String quote(String s) {
    return "\"" + s.replace("\"", "\"\"") + "\"";
  }
}
