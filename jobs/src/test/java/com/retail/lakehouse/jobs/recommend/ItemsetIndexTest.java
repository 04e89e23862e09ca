package com.retail.lakehouse.jobs.recommend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The numbering of itemsets and a basket's candidates, on hand-worked examples. */
class ItemsetIndexTest {
  /** Items 0 to 3; frequent pairs {0,1}, {0,2}, {1,2}, {2,3} (numbers 0 to 3); triple {0,1,2}. */
  private static ItemsetIndex example() {
    return ItemsetIndex.ofItems()
        .withLevel(
            new long[] {
              ItemsetIndex.key(0, 1),
              ItemsetIndex.key(0, 2),
              ItemsetIndex.key(1, 2),
              ItemsetIndex.key(2, 3)
            })
        .withLevel(new long[] {ItemsetIndex.key(0, 2)});
  }

  @Test
  void anItemsetIsFoundThroughItsPrefixesAndNamedBack() {
    ItemsetIndex index = example();
    assertEquals(3, index.levels());
    assertEquals(3, index.find(new int[] {2, 3}));
    assertEquals(0, index.find(new int[] {0, 1, 2}));
    assertEquals(-1, index.find(new int[] {1, 3}));
    assertEquals(-1, index.find(new int[] {0, 2, 3}), "{0,2} is frequent, {0,2,3} is not");
    assertEquals(-1, index.find(new int[] {1, 3, 4}), "its prefix {1,3} is not frequent");
    assertArrayEquals(new int[] {0, 1, 2}, index.items(3, 0));
    assertArrayEquals(new int[] {1, 2}, index.items(2, 2));
  }

  @Test
  void everyKeyOfALargeLevelIsFoundAtItsPlace() {
    Random random = new Random(7);
    long[] keys = random.longs(0, 1L << 40).distinct().limit(200_000).toArray();
    ItemsetIndex index = ItemsetIndex.ofItems().withLevel(keys);
    for (int n = 0; n < keys.length; n++) {
      assertEquals(n, index.find(2, (int) (keys[n] >>> 32), (int) keys[n]));
    }
    assertEquals(-1, index.find(2, 1 << 9, 12345), "no key has a prefix this high");
  }

  @Test
  void pairsAreEveryTwoItemsOfTheBasket() {
    assertEquals(
        List.of(ItemsetIndex.key(0, 2), ItemsetIndex.key(0, 4), ItemsetIndex.key(2, 4)),
        candidates(new int[] {0, 2, 4}, ItemsetIndex.ofItems(), 1));
  }

  @Test
  void aTripleIsACandidateOnlyWhenEachOfItsPairsIsFrequent() {
    // {0,1}+2: {0,2} and {1,2} frequent; {0,1}+3, {0,2}+3 and {1,2}+3 each lack {0,3} or {1,3}
    ItemsetIndex index = example();
    assertEquals(List.of(ItemsetIndex.key(0, 2)), candidates(new int[] {0, 1, 2, 3}, index, 2));
    // {0,1,2}+3 needs {1,2,3}, which is not frequent
    assertEquals(List.of(), candidates(new int[] {0, 1, 2, 3}, index, 3));
  }

  private static List<Long> candidates(int[] basket, ItemsetIndex index, int size) {
    List<Long> keys = new ArrayList<>();
    FrequentItemsets.candidates(basket, index, size, keys::add);
    return keys;
  }
}
