package com.retail.lakehouse.jobs.local;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Formats query results as an aligned text table, CSV or JSON lines. */
public final class TablePrinter {
  private TablePrinter() {}

  public static String format(Dataset<Row> result, String format, int limit) {
    return switch (format) {
      case "json" -> String.join("\n", result.limit(limit).toJSON().collectAsList());
      case "csv" -> csv(result.columns(), result.limit(limit).collectAsList());
      case "table" -> table(result.columns(), result.limit(limit).collectAsList());
      default -> throw new IllegalArgumentException("unknown format " + format);
    };
  }

  static String csv(String[] columns, List<Row> rows) {
    StringBuilder out = new StringBuilder(String.join(",", columns));
    for (Row row : rows) {
      out.append('\n');
      for (int i = 0; i < row.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        String v = cell(row, i);
        out.append(
            v.contains(",") || v.contains("\"") || v.contains("\n")
                ? "\"" + v.replace("\"", "\"\"") + "\""
                : v);
      }
    }
    return out.toString();
  }

  static String table(String[] columns, List<Row> rows) {
    List<String[]> cells = new ArrayList<>();
    cells.add(columns);
    for (Row row : rows) {
      String[] line = new String[columns.length];
      for (int i = 0; i < columns.length; i++) {
        line[i] = row.isNullAt(i) ? "NULL" : cell(row, i);
      }
      cells.add(line);
    }
    int[] width = new int[columns.length];
    for (String[] line : cells) {
      for (int i = 0; i < line.length; i++) {
        width[i] = Math.max(width[i], line[i].length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (int r = 0; r < cells.size(); r++) {
      String[] line = cells.get(r);
      for (int i = 0; i < line.length; i++) {
        out.append(i == 0 ? "" : " | ").append(String.format("%-" + width[i] + "s", line[i]));
      }
      out.append('\n');
      if (r == 0) {
        for (int i = 0; i < width.length; i++) {
          out.append(i == 0 ? "" : "-+-").append("-".repeat(width[i]));
        }
        out.append('\n');
      }
    }
    return out.append("(")
        .append(rows.size())
        .append(rows.size() == 1 ? " row)" : " rows)")
        .toString();
  }

  private static String cell(Row row, int i) {
    if (row.isNullAt(i)) {
      return "";
    }
    Object v = row.get(i);
    if (v instanceof scala.collection.Seq<?> seq) {
      return "["
          + String.join(
              ", ",
              scala.jdk.javaapi.CollectionConverters.asJava(seq).stream()
                  .map(String::valueOf)
                  .toList())
          + "]";
    }
    if (v instanceof java.math.BigDecimal d) {
      return d.toPlainString();
    }
    return String.valueOf(v);
  }
}
