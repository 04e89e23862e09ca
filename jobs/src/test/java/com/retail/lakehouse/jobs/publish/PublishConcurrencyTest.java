package com.retail.lakehouse.jobs.publish;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.retail.lakehouse.common.publish.Postgres;
import com.retail.lakehouse.common.publish.PostgresPublisher;
import com.retail.lakehouse.jobs.support.TestDatabase;
import com.retail.lakehouse.jobs.support.TestSpark;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** Readers during publishes see one complete version or the next, never a mix, and never fail. */
class PublishConcurrencyTest {
  private static final String SCHEMA = "publish_readers";

  /** Version v: ids 0..rows-1 with x = id * v, so count and sum tell the version apart. */
  static Dataset<Row> version(long rows, long v) {
    return TestSpark.get()
        .range(0, rows, 1, 4)
        .select(col("id"), col("id").multiply(v).as("x"), col("id").cast("string").as("label"));
  }

  static String figures(long rows, long v) {
    return rows + "/" + (rows * (rows - 1) / 2 * v);
  }

  @Test
  void aReaderSeesOnlyCompleteVersionsDuringPublishes() throws Exception {
    Postgres db = TestDatabase.get();
    PostgresPublisher publisher = new PostgresPublisher(db, SCHEMA, 2);
    long[] sizes = {50_000, 80_000, 20_000, 60_000, 70_000};
    publisher.publish(version(sizes[0], 1), "numbers", List.of("id"), 1, "run-1");
    Set<String> complete = new LinkedHashSet<>();
    complete.add(figures(sizes[0], 1));

    AtomicBoolean publishing = new AtomicBoolean(true);
    List<String> seen = Collections.synchronizedList(new ArrayList<>());
    List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
    List<Thread> readers = new ArrayList<>();
    for (int r = 0; r < 2; r++) {
      Thread reader =
          new Thread(
              () -> {
                try (Connection c = db.connect();
                    Statement st = c.createStatement()) {
                  while (publishing.get()) {
                    try (ResultSet rs =
                        st.executeQuery(
                            "SELECT count(*), coalesce(sum(x), 0) FROM " + SCHEMA + ".numbers")) {
                      rs.next();
                      seen.add(rs.getLong(1) + "/" + rs.getLong(2));
                    }
                  }
                } catch (Throwable e) {
                  errors.add(e);
                }
              });
      reader.start();
      readers.add(reader);
    }
    for (int v = 2; v <= sizes.length; v++) {
      publisher.publish(version(sizes[v - 1], v), "numbers", List.of("id"), v, "run-" + v);
      complete.add(figures(sizes[v - 1], v));
    }
    Thread.sleep(200);
    publishing.set(false);
    for (Thread reader : readers) {
      reader.join();
    }
    assertEquals(List.of(), errors);
    Set<String> distinct = new LinkedHashSet<>(seen);
    assertTrue(complete.containsAll(distinct), "partial figures seen: " + distinct);
    assertTrue(distinct.size() >= 3, "the readers saw too few versions: " + distinct);
    assertTrue(seen.size() > 50, "too few reads: " + seen.size());
  }
}
