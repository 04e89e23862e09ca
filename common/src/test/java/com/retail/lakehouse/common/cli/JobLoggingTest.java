package com.retail.lakehouse.common.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Which log4j configurations a job replaces with the one it ships. */
class JobLoggingTest {

  @Test
  void sparksBuiltInProfilesAndNoConfigurationAreReplaced() {
    assertTrue(JobLogging.isSparkDefault(null));
    assertTrue(
        JobLogging.isSparkDefault(
            URI.create(
                "jar:file:/opt/spark/jars/spark-core_2.13-4.1.0.jar!"
                    + "/org/apache/spark/log4j2-defaults.properties")));
  }

  @Test
  void aConfigurationTheClusterChoseIsKept() {
    assertFalse(JobLogging.isSparkDefault(URI.create("file:/opt/spark/conf/log4j2.properties")));
    assertFalse(JobLogging.isSparkDefault(URI.create("file:/etc/retail/log4j2-debug.xml")));
  }

  @Test
  void theShippedConfigurationKeepsSparkQuietAndThePipelineAtInfo() throws IOException {
    try (InputStream in =
        JobLogging.class.getClassLoader().getResourceAsStream(JobLogging.SHIPPED)) {
      assertNotNull(in, JobLogging.SHIPPED + " is packaged with the jobs");
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(text.contains("rootLogger.level = warn"), text);
      assertTrue(text.contains("logger.lakehouse.level = info"), text);
    }
  }
}
