package com.retail.lakehouse.jobs.silver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SideBySideTest {
  /** a and b depend on nothing, c on a and b, d on c. */
  private static final List<String> KEYS = List.of("a", "b", "c", "d");

  private static List<String> dependencies(String key) {
    return switch (key) {
      case "c" -> List.of("a", "b");
      case "d" -> List.of("c");
      default -> List.of();
    };
  }

  @Test
  void eachTaskGetsItsDependenciesResultsAndTheResultsComeInTheKeysOrder() {
    Map<String, String> results =
        SideBySide.run(
            "test", 3, KEYS, SideBySideTest::dependencies, (key, before) -> key + before, r -> {});
    assertEquals(List.of("a", "b", "c", "d"), List.copyOf(results.keySet()));
    assertEquals("a[]", results.get("a"));
    assertEquals("c[a[], b[]]", results.get("c"));
    assertEquals("d[c[a[], b[]]]", results.get("d"));
  }

  @Test
  void independentTasksRunAtTheSameTime() {
    // a and b each wait for the other to start: they pass only when both run at once
    CountDownLatch started = new CountDownLatch(2);
    Map<String, Boolean> results =
        SideBySide.run(
            "test",
            2,
            List.of("a", "b"),
            k -> List.of(),
            (key, before) -> {
              started.countDown();
              try {
                return started.await(30, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            },
            r -> {});
    assertEquals(Map.of("a", true, "b", true), results);
  }

  @Test
  void aFailureSkipsWhatDependsOnItLetsTheRestEndAndDiscardsTheirResults() {
    IllegalArgumentException boom = new IllegalArgumentException("b failed");
    List<String> ran = Collections.synchronizedList(new ArrayList<>());
    List<String> discarded = Collections.synchronizedList(new ArrayList<>());
    IllegalArgumentException thrown =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                SideBySide.<String, String>run(
                    "test",
                    2,
                    KEYS,
                    SideBySideTest::dependencies,
                    (key, before) -> {
                      ran.add(key);
                      if (key.equals("b")) {
                        throw boom;
                      }
                      return key;
                    },
                    discarded::add));
    assertSame(boom, thrown);
    assertEquals(List.of("a", "b"), ran.stream().sorted().toList());
    assertEquals(List.of("a"), discarded);
    assertTrue(!ran.contains("c") && !ran.contains("d"));
  }
}
