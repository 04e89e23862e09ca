package com.retail.lakehouse.common.config;

import com.retail.lakehouse.common.UserError;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A mining threshold given either as a fraction of the baskets ({@code 0.0002}, a number in (0, 1])
 * or as a number of baskets ({@code "25 baskets"}). A fraction keeps its meaning as the history
 * grows (and so lets the number of itemsets grow with it); a count does not.
 *
 * <p>The fraction is kept as the decimal written in the configuration, so the count it stands for
 * is exact: 0.3 of 10 baskets is 3 baskets, where {@code Math.ceil(0.3 * 10)} gives 4.
 */
public record Threshold(BigDecimal fraction, long baskets) {
  private static final Pattern COUNT = Pattern.compile("(\\d+)\\s*baskets?");

  public Threshold {
    if ((fraction == null) == (baskets <= 0)) {
      throw new IllegalArgumentException("a threshold is a fraction or a positive count");
    }
  }

  public static Threshold ofFraction(String fraction) {
    return new Threshold(new BigDecimal(fraction), 0);
  }

  public static Threshold ofBaskets(long baskets) {
    return new Threshold(null, baskets);
  }

  public boolean isCount() {
    return fraction == null;
  }

  /**
   * The smallest number of baskets that meets the threshold among {@code totalBaskets}: the count
   * itself, or the fraction of the total rounded up (at least 1).
   */
  public long minBaskets(long totalBaskets) {
    if (isCount()) {
      return baskets;
    }
    long count =
        fraction
            .multiply(BigDecimal.valueOf(totalBaskets))
            .setScale(0, RoundingMode.CEILING)
            .longValue();
    return Math.max(1, count);
  }

  /**
   * Parses {@code key}'s value: a number in (0, 1] is a fraction, {@code "N baskets"} (N at least
   * 1) a count.
   */
  public static Threshold parse(String key, String text) {
    String t = text.trim();
    Matcher m = COUNT.matcher(t);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      if (n < 1) {
        throw new UserError("configuration: " + key + " must be at least 1 basket (got " + t + ")");
      }
      return ofBaskets(n);
    }
    BigDecimal value;
    try {
      value = new BigDecimal(t);
    } catch (NumberFormatException e) {
      throw new UserError(
          "configuration: "
              + key
              + " must be a fraction in (0, 1] or a count such as \"25 baskets\" (got '"
              + t
              + "')");
    }
    if (value.signum() <= 0 || value.compareTo(BigDecimal.ONE) > 0) {
      throw new UserError(
          "configuration: "
              + key
              + " must be in (0, 1] as a fraction, or written \"N baskets\" (got "
              + t
              + ")");
    }
    return new Threshold(value, 0);
  }

  @Override
  public String toString() {
    return isCount() ? baskets + " baskets" : fraction.toPlainString();
  }
}
