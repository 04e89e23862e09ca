package com.retail.lakehouse.jobs.generate;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * The real products and how they sell, calibrated on the sample: each product's popularity (its
 * lines in the sample; a product the sample never shows gets the Good-Turing share of the unseen:
 * as many lines, all unseen products together, as the sample has products seen once), the real
 * lines of the product (quantity, sales value and discounts) to draw a line's figures from, and the
 * affinities that make baskets hang together (partner product types within a department, partner
 * products of the best sellers). Small (the catalogue's size, not the data's): broadcast.
 */
final class Catalogue implements Serializable {
  private static final long serialVersionUID = 1L;

  /** How many partner types each product type has. */
  static final int PARTNER_TYPES = 2;

  /** How many of the best sellers have a partner product. */
  static final int PRODUCTS_WITH_PARTNER = 2000;

  /** A product of the catalogue. */
  record Product(long id, String department, String type) implements Serializable {}

  /** A real sample line's figures, as written in the sample. */
  record Line(
      long productId,
      String quantity,
      String salesValue,
      String retailDisc,
      String couponDisc,
      String couponMatchDisc)
      implements Serializable {}

  private final long[] ids;
  private final int[] typeOf;

  /** Products ordered by department, type, id; a type and a department are contiguous ranges. */
  private final int[] order;

  private final double[] orderPopularity;
  private final int[] typeStart;
  private final int[] typeEnd;
  private final int[][] partnerTypes;
  private final int[] partnerProduct;
  private final Line[] lines;

  /** Per product, then per type, per department: its range in {@link #lines}. */
  private final int[][] lineRanges;

  private Catalogue(
      long[] ids,
      int[] typeOf,
      int[] order,
      double[] orderPopularity,
      int[] typeStart,
      int[] typeEnd,
      int[][] partnerTypes,
      int[] partnerProduct,
      Line[] lines,
      int[][] lineRanges) {
    this.ids = ids;
    this.typeOf = typeOf;
    this.order = order;
    this.orderPopularity = orderPopularity;
    this.typeStart = typeStart;
    this.typeEnd = typeEnd;
    this.partnerTypes = partnerTypes;
    this.partnerProduct = partnerProduct;
    this.lines = lines;
    this.lineRanges = lineRanges;
  }

  /**
   * The catalogue of {@code products} calibrated on the sample's {@code lines}; the affinities are
   * drawn from {@code seed}.
   */
  static Catalogue of(List<Product> products, List<Line> sampleLines, long seed) {
    int n = products.size();
    long[] ids = new long[n];
    Map<Long, Integer> index = new HashMap<>();
    Map<String, Integer> departments = new LinkedHashMap<>();
    Map<String, Integer> types = new LinkedHashMap<>();
    int[] deptOf = new int[n];
    int[] typeOf = new int[n];
    for (int i = 0; i < n; i++) {
      Product p = products.get(i);
      ids[i] = p.id();
      index.put(p.id(), i);
      String dept = String.valueOf(p.department());
      deptOf[i] = departments.computeIfAbsent(dept, k -> departments.size());
      typeOf[i] = types.computeIfAbsent(dept + "|" + p.type(), k -> types.size());
    }

    double[] popularity = popularity(n, sampleLines, index);
    Comparator<Integer> byDeptTypeId =
        Comparator.<Integer>comparingInt(i -> deptOf[i])
            .thenComparingInt(i -> typeOf[i])
            .thenComparingLong(i -> ids[i]);
    int[] order = IntStream.range(0, n).boxed().sorted(byDeptTypeId).mapToInt(i -> i).toArray();
    double[] orderPopularity =
        Draws.cumulative(Arrays.stream(order).mapToDouble(i -> popularity[i]).toArray());
    int[] typeStart = new int[types.size()];
    int[] typeEnd = new int[types.size()];
    int[] typeDept = new int[types.size()];
    double[] typeWeight = new double[types.size()];
    for (int k = 0; k < n; k++) {
      int t = typeOf[order[k]];
      if (k == 0 || typeOf[order[k - 1]] != t) {
        typeStart[t] = k;
      }
      typeEnd[t] = k + 1;
      typeDept[t] = deptOf[order[k]];
      typeWeight[t] += popularity[order[k]];
    }

    SplittableRandom rng = Draws.stream(seed, 0x7A57E5L);
    int[][] partnerTypes = partnerTypes(typeDept, typeWeight, rng);
    int[] partnerProduct = new int[n];
    Arrays.fill(partnerProduct, -1);
    Integer[] best = IntStream.range(0, n).boxed().toArray(Integer[]::new);
    Arrays.sort(
        best,
        Comparator.<Integer>comparingDouble(i -> -popularity[i]).thenComparingLong(i -> ids[i]));
    for (int k = 0; k < Math.min(PRODUCTS_WITH_PARTNER, n); k++) {
      int p = best[k];
      int[] partners = partnerTypes[typeOf[p]];
      if (partners.length > 0) {
        int t = partners[0];
        partnerProduct[p] = order[Draws.pick(orderPopularity, typeStart[t], typeEnd[t], rng)];
      }
    }

    List<Line> known = new ArrayList<>();
    for (Line line : sampleLines) {
      if (index.containsKey(line.productId())) {
        known.add(line);
      }
    }
    int[] position = new int[n];
    for (int k = 0; k < n; k++) {
      position[order[k]] = k;
    }
    known.sort(Comparator.comparingInt(l -> position[index.get(l.productId())]));
    Line[] lines = known.toArray(Line[]::new);
    int[] lineProduct = known.stream().mapToInt(l -> index.get(l.productId())).toArray();
    int[][] lineRanges = lineRanges(n, lineProduct, typeOf, deptOf);
    return new Catalogue(
        ids,
        typeOf,
        order,
        orderPopularity,
        typeStart,
        typeEnd,
        partnerTypes,
        partnerProduct,
        lines,
        lineRanges);
  }

  /** Lines in the sample per product; the unseen share the mass of the products seen once. */
  private static double[] popularity(int n, List<Line> sampleLines, Map<Long, Integer> index) {
    double[] counts = new double[n];
    for (Line line : sampleLines) {
      Integer i = index.get(line.productId());
      if (i != null) {
        counts[i]++;
      }
    }
    long seenOnce = Arrays.stream(counts).filter(c -> c == 1).count();
    long unseen = Arrays.stream(counts).filter(c -> c == 0).count();
    double unseenWeight = unseen == 0 ? 0 : Math.max(seenOnce, 1) / (double) unseen;
    for (int i = 0; i < n; i++) {
      if (counts[i] == 0) {
        counts[i] = unseenWeight;
      }
    }
    return counts;
  }

  /** Each type's partners: other types of its department, drawn by their popularity. */
  private static int[][] partnerTypes(int[] typeDept, double[] typeWeight, SplittableRandom rng) {
    int types = typeDept.length;
    int[][] partners = new int[types][];
    for (int t = 0; t < types; t++) {
      double[] weights = new double[types];
      for (int u = 0; u < types; u++) {
        weights[u] = u != t && typeDept[u] == typeDept[t] ? typeWeight[u] : 0;
      }
      double[] cumulative = Draws.cumulative(weights);
      List<Integer> chosen = new ArrayList<>();
      for (int tries = 0; chosen.size() < PARTNER_TYPES && tries < 20; tries++) {
        if (cumulative[types - 1] <= 0) {
          break;
        }
        int u = Draws.pick(cumulative, rng);
        if (!chosen.contains(u)) {
          chosen.add(u);
        }
      }
      partners[t] = chosen.stream().mapToInt(Integer::intValue).toArray();
    }
    return partners;
  }

  /**
   * Where a product's own sample lines are, else its type's, else its department's, else all:
   * {@code {start, end}} per product (lines are sorted like {@link #order}).
   */
  private static int[][] lineRanges(int n, int[] lineProduct, int[] typeOf, int[] deptOf) {
    Map<Integer, int[]> byProduct = new HashMap<>();
    Map<Integer, int[]> byType = new HashMap<>();
    Map<Integer, int[]> byDept = new HashMap<>();
    for (int k = 0; k < lineProduct.length; k++) {
      int p = lineProduct[k];
      extend(byProduct, p, k);
      extend(byType, typeOf[p], k);
      extend(byDept, deptOf[p], k);
    }
    int[] all = {0, lineProduct.length};
    int[][] ranges = new int[n][];
    for (int p = 0; p < n; p++) {
      int[] r = byProduct.get(p);
      r = r != null ? r : byType.get(typeOf[p]);
      r = r != null ? r : byDept.get(deptOf[p]);
      ranges[p] = r != null ? r : all;
    }
    return ranges;
  }

  private static void extend(Map<Integer, int[]> ranges, int key, int k) {
    int[] r = ranges.computeIfAbsent(key, x -> new int[] {k, k});
    r[1] = k + 1;
  }

  int size() {
    return ids.length;
  }

  /** The largest product id: any id above it is unknown. */
  long maxId() {
    return Arrays.stream(ids).max().orElse(0);
  }

  long id(int product) {
    return ids[product];
  }

  int typeOf(int product) {
    return typeOf[product];
  }

  /** A product drawn by popularity. */
  int draw(SplittableRandom rng) {
    return order[Draws.pick(orderPopularity, rng)];
  }

  /** A product of type {@code type} drawn by popularity. */
  int drawOfType(int type, SplittableRandom rng) {
    return order[Draws.pick(orderPopularity, typeStart[type], typeEnd[type], rng)];
  }

  /** The types bought with this type. */
  int[] partnerTypes(int type) {
    return partnerTypes[type];
  }

  /** The product often bought with this one, or -1. */
  int partnerProduct(int product) {
    return partnerProduct[product];
  }

  /** A real sample line of the product (or of a product like it) to copy the figures of. */
  Line line(int product, SplittableRandom rng) {
    int[] r = lineRanges[product];
    return lines[r[0] + rng.nextInt(r[1] - r[0])];
  }
}
