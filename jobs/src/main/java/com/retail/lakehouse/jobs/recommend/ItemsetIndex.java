package com.retail.lakehouse.jobs.recommend;

import java.io.Serializable;
import java.util.Arrays;

/**
 * The frequent itemsets of the levels counted so far, by number, for the tasks of the next level to
 * look up. Items are numbers too (in the order of their names). An itemset of {@code k >= 2} items
 * is known by its key: the number of its first {@code k - 1} items (an itemset of the level below,
 * frequent when it is) and its last item ({@link #key}); each level numbers its itemsets in the
 * order it was given their keys. Each level is an open-addressing table of keys, so a lookup costs
 * no object.
 */
final class ItemsetIndex implements Serializable {
  private static final long EMPTY = -1;

  /**
   * Per level of 2 items and more: the table of keys and, beside each key, its itemset's number.
   */
  private final long[][] keys;

  private final int[][] numbers;

  /** Per level of 2 items and more: each itemset's key, by number. */
  private final long[][] members;

  private ItemsetIndex(long[][] keys, int[][] numbers, long[][] members) {
    this.keys = keys;
    this.numbers = numbers;
    this.members = members;
  }

  /** The index of the single items only (every item number is a frequent item). */
  static ItemsetIndex ofItems() {
    return new ItemsetIndex(new long[0][], new int[0][], new long[0][]);
  }

  /** An itemset of the next size: the number of its first items and its last item. */
  static long key(int prefix, int item) {
    return ((long) prefix << 32) | (item & 0xFFFFFFFFL);
  }

  /** The size of the longest itemsets indexed. */
  int levels() {
    return keys.length + 1;
  }

  /** This index and one more level: the itemsets of {@code levels() + 1} items, by key. */
  ItemsetIndex withLevel(long[] levelKeys) {
    int capacity = Integer.highestOneBit(Math.max(2, levelKeys.length) * 2) * 2;
    long[] table = new long[capacity];
    int[] values = new int[capacity];
    Arrays.fill(table, EMPTY);
    for (int n = 0; n < levelKeys.length; n++) {
      int slot = slot(levelKeys[n], capacity);
      while (table[slot] != EMPTY) {
        slot = (slot + 1) & (capacity - 1);
      }
      table[slot] = levelKeys[n];
      values[slot] = n;
    }
    int l = keys.length;
    ItemsetIndex next =
        new ItemsetIndex(
            Arrays.copyOf(keys, l + 1),
            Arrays.copyOf(numbers, l + 1),
            Arrays.copyOf(members, l + 1));
    next.keys[l] = table;
    next.numbers[l] = values;
    next.members[l] = levelKeys.clone();
    return next;
  }

  /**
   * The number of the itemset of {@code size} items whose first items are itemset {@code prefix}
   * (of {@code size - 1} items) and whose last is {@code item}, or -1 when it is not frequent.
   */
  int find(int size, int prefix, int item) {
    long[] table = keys[size - 2];
    long key = key(prefix, item);
    for (int slot = slot(key, table.length); table[slot] != EMPTY; ) {
      if (table[slot] == key) {
        return numbers[size - 2][slot];
      }
      slot = (slot + 1) & (table.length - 1);
    }
    return -1;
  }

  /**
   * The number of the itemset {@code items} (sorted item numbers, at most {@link #levels()}), or -1
   * when it, or one of its prefixes, is not frequent.
   */
  int find(int[] items) {
    int number = items[0];
    for (int size = 2; size <= items.length && number >= 0; size++) {
      number = find(size, number, items[size - 1]);
    }
    return number;
  }

  /** The item numbers of itemset {@code number} of {@code size} items, sorted. */
  int[] items(int size, int number) {
    int[] items = new int[size];
    for (int s = size; s >= 2; s--) {
      long key = members[s - 2][number];
      items[s - 1] = (int) key;
      number = (int) (key >>> 32);
    }
    items[0] = number;
    return items;
  }

  private static int slot(long key, int capacity) {
    long h = key * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 32)) & (capacity - 1);
  }
}
