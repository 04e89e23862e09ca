package com.retail.lakehouse.common.publish;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import scala.Tuple2;

/**
 * Runs on the executors: COPies one Spark partition into the staging table over a connection of its
 * own, and returns the partition's row count and checksum (sum of {@link RowChecksum} row hashes),
 * computed from the rows as read from the lake. The staging table was created and committed by the
 * driver before, so every partition's connection sees it. A partition's COPY is one statement: if
 * the task dies, none of its rows stay; if a task is retried after its COPY committed, the counts
 * disagree and the driver abandons the publish.
 */
final class PartitionCopy implements MapPartitionsFunction<Row, Tuple2<Long, Long>> {
  private static final long serialVersionUID = 1L;
  private static final int BUFFER = 1 << 16;

  // the executors need where and how to log in: carried in the function, password included,
  // taken on the driver from its environment (Postgres prints without it)
  private final Postgres db;
  private final String copySql;
  private final RowChecksum checksum;

  PartitionCopy(Postgres db, String copySql, RowChecksum checksum) {
    this.db = db;
    this.copySql = copySql;
    this.checksum = checksum;
  }

  @Override
  public Iterator<Tuple2<Long, Long>> call(Iterator<Row> rows) throws SQLException, IOException {
    long count = 0;
    long sum = 0;
    try (Connection c = db.connect()) {
      CopyIn copy = c.unwrap(PGConnection.class).getCopyAPI().copyIn(copySql);
      try {
        byte[] buffer = new byte[BUFFER];
        int used = 0;
        while (rows.hasNext()) {
          Row row = rows.next();
          byte[] line = CopyEncoder.csvLine(row).getBytes(StandardCharsets.UTF_8);
          if (used + line.length > buffer.length) {
            copy.writeToCopy(buffer, 0, used);
            used = 0;
          }
          if (line.length > buffer.length) {
            copy.writeToCopy(line, 0, line.length);
          } else {
            System.arraycopy(line, 0, buffer, used, line.length);
            used += line.length;
          }
          count++;
          sum += checksum.hash(row);
        }
        if (used > 0) {
          copy.writeToCopy(buffer, 0, used);
        }
        long copied = copy.endCopy();
        if (copied != count) {
          throw new IllegalStateException("COPY took " + copied + " rows of " + count + " sent");
        }
      } finally {
        if (copy.isActive()) {
          try {
            copy.cancelCopy();
          } catch (SQLException ignored) {
            // the failure that got here is the one to report
          }
        }
      }
    }
    return List.of(new Tuple2<>(count, sum)).iterator();
  }
}
