package com.retail.lakehouse.common.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

/** The environment's Spark settings give way to those given at submit time. */
class SessionsTest {

  @Test
  void aSettingGivenBySparkSubmitWinsOverTheConfiguredOne() {
    Map<String, String> configured = new LinkedHashMap<>();
    configured.put("spark.sql.shuffle.partitions", "200");
    configured.put("spark.sql.session.timeZone", "UTC");
    SparkConf launcher = new SparkConf(false).set("spark.sql.shuffle.partitions", "8");

    assertEquals(
        Map.of("spark.sql.session.timeZone", "UTC"), Sessions.configured(configured, launcher));
  }

  @Test
  void withNothingGivenAtSubmitTimeEveryConfiguredSettingApplies() {
    Map<String, String> configured = Map.of("spark.sql.shuffle.partitions", "200");

    assertEquals(configured, Sessions.configured(configured, new SparkConf(false)));
  }
}
