package com.retail.lakehouse.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.retail.lakehouse.common.spark.Sessions;
import com.retail.lakehouse.jobs.support.TestSpark;
import java.util.TimeZone;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.Snapshot$;
import org.junit.jupiter.api.Test;

/**
 * A driver on a machine set to another time zone than UTC commits as one in UTC: Delta otherwise
 * rebuilds a table's whole state after every commit.
 */
class SessionTimeZoneTest {
  private final SparkSession spark = TestSpark.get();

  @Test
  void aDriverOnAMachineSetToAnotherTimeZoneCommitsAsInUtc() {
    TimeZone machine = TimeZone.getDefault();
    String property = System.getProperty("user.timezone");
    try {
      TimeZone.setDefault(TimeZone.getTimeZone("Europe/Paris"));
      System.setProperty("user.timezone", "Europe/Paris");
      // in another zone than UTC Delta rebuilds a table's state after every commit
      assertTrue(Snapshot$.MODULE$.allFilesInCrcVerificationForceEnabled(spark));

      Sessions.alignTimeZone(spark); // the session's zone: UTC

      assertEquals("UTC", TimeZone.getDefault().getID());
      assertEquals("UTC", System.getProperty("user.timezone"));
      assertFalse(Snapshot$.MODULE$.allFilesInCrcVerificationForceEnabled(spark));
    } finally {
      TimeZone.setDefault(machine);
      System.setProperty("user.timezone", property);
    }
  }
}
