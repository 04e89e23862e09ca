package com.retail.lakehouse.jobs.generate;

import java.io.Serializable;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.Month;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.SplittableRandom;

/**
 * When households shop: the share of each weekday and of each hour (UTC, as the study's timestamps
 * are) measured on the sample, the holidays of a US grocer, and the study's week numbers.
 */
final class ShoppingTimes implements Serializable {
  private static final long serialVersionUID = 1L;

  /**
   * The study's weeks run Monday to Sunday in the store's local time, which is about UTC-5: with
   * this offset the formula of {@link #week} gives the sample's week for 99.95% of its lines.
   */
  static final int STORE_UTC_OFFSET_HOURS = -5;

  private final double[] weekdayFactor;
  private final double[] hourCumulative;

  /**
   * {@code linesByWeekday}: the sample's lines per UTC weekday, Monday first; {@code linesByHour}:
   * per UTC hour.
   */
  ShoppingTimes(long[] linesByWeekday, long[] linesByHour) {
    if (linesByWeekday.length != 7 || linesByHour.length != 24) {
      throw new IllegalArgumentException("7 weekdays and 24 hours expected");
    }
    double total = 0;
    for (long c : linesByWeekday) {
      total += c;
    }
    weekdayFactor = new double[7];
    for (int d = 0; d < 7; d++) {
      weekdayFactor[d] = 7 * linesByWeekday[d] / total;
    }
    double[] hours = new double[24];
    for (int h = 0; h < 24; h++) {
      hours[h] = linesByHour[h];
    }
    hourCumulative = Draws.cumulative(hours);
  }

  /**
   * How busy a day is against an average day: its weekday's share, times the holiday's effect
   * (closed on Christmas Day; quieter on Thanksgiving and the day after, busier the day before and
   * on Christmas Eve and the day before it).
   */
  double dayFactor(LocalDate date) {
    return weekdayFactor[date.getDayOfWeek().getValue() - 1] * holiday(date);
  }

  static double holiday(LocalDate date) {
    if (date.getMonth() == Month.DECEMBER) {
      int day = date.getDayOfMonth();
      return day == 25 ? 0 : day == 23 || day == 24 ? 1.4 : 1;
    }
    if (date.getMonth() == Month.NOVEMBER) {
      LocalDate thanksgiving = date.with(TemporalAdjusters.dayOfWeekInMonth(4, DayOfWeek.THURSDAY));
      long from = ChronoUnit.DAYS.between(thanksgiving, date);
      return from == -1 ? 1.35 : from == 0 ? 0.6 : from == 1 ? 0.7 : 1;
    }
    return 1;
  }

  /** A time of the day {@code date} (UTC), in epoch seconds, by the sample's hours. */
  long timeOn(LocalDate date, SplittableRandom rng) {
    int hour = Draws.pick(hourCumulative, rng);
    return date.toEpochDay() * 86_400 + hour * 3_600L + rng.nextInt(3_600);
  }

  /**
   * The study's week of a time: weeks start on Monday in the store's local time, week 1 holds the
   * year's first day (so 2017-01-01, a Sunday, is week 1 and 2017-01-02 starts week 2); a 54th week
   * (a leap year starting on a Sunday) counts as 53, the study's range being 1-53.
   */
  static int week(long epochSecond) {
    LocalDate local =
        LocalDateTime.ofEpochSecond(
                epochSecond + STORE_UTC_OFFSET_HOURS * 3_600L, 0, ZoneOffset.UTC)
            .toLocalDate();
    LocalDate first = local.withDayOfYear(1);
    LocalDate monday = first.minusDays(first.getDayOfWeek().getValue() - 1L);
    return (int) Math.min(53, ChronoUnit.DAYS.between(monday, local) / 7 + 1);
  }
}
