package com.retail.lakehouse.jobs.silver;

import static com.retail.lakehouse.jobs.support.Frames.row;
import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.retail.lakehouse.common.quality.FieldType;
import com.retail.lakehouse.jobs.support.Frames;
import java.math.BigDecimal;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link FieldType#parse} on one column of raw strings, typed every way at once. */
class FieldTypeTest {
  private static final String[] RAW = {
    "3.865",
    "4.440892e-16",
    "9e+05",
    "4.0128e+10",
    "1.5",
    "1.0000001",
    "abc",
    "2017-01-28T19:06:53Z",
    "2017-03-03",
    "-3.865",
    "3000000000",
    "2017-02-30",
    "12"
  };
  private static final Map<String, Row> BY_RAW = new HashMap<>();

  @BeforeAll
  static void parseAll() {
    Object[][] rows = new Object[RAW.length][];
    for (int i = 0; i < RAW.length; i++) {
      rows[i] = row(RAW[i]);
    }
    List<Row> typed =
        Frames.of("raw STRING", rows)
            .select(
                col("raw"),
                FieldType.STRING.parse(col("raw")).as("s"),
                FieldType.INT.parse(col("raw")).as("i"),
                FieldType.LONG.parse(col("raw")).as("l"),
                FieldType.CENTS.parse(col("raw")).as("c"),
                FieldType.DATE.parse(col("raw")).as("d"),
                FieldType.TIMESTAMP.parse(col("raw")).as("t"))
            .collectAsList();
    typed.forEach(r -> BY_RAW.put(r.getString(0), r));
  }

  private static Object typed(String raw, String column) {
    Row r = BY_RAW.get(raw);
    return r.get(r.fieldIndex(column));
  }

  @Test
  void centsRoundHalfUpToTheCent() {
    // 3.865 is exactly half a cent above 3.86: half-up gives 3.87 (banker's rounding would give
    // 3.86)
    assertEquals(new BigDecimal("3.87"), typed("3.865", "c"));
    // half-up rounds away from zero for negatives
    assertEquals(new BigDecimal("-3.87"), typed("-3.865", "c"));
    // R's floating-point noise 4.440892e-16 is zero cents
    assertEquals(new BigDecimal("0.00"), typed("4.440892e-16", "c"));
    assertEquals(new BigDecimal("12.00"), typed("12", "c"));
    assertNull(typed("abc", "c"));
  }

  @Test
  void wholeNumbersAcceptScientificNotationButNoFraction() {
    assertEquals(900000L, typed("9e+05", "l")); // 9 * 10^5
    assertEquals(40128000000L, typed("4.0128e+10", "l")); // 4.0128 * 10^10
    assertEquals(900000, typed("9e+05", "i"));
    assertNull(typed("1.5", "l"));
    assertNull(typed("1.0000001", "l"), "a fraction at the seventh decimal is still a fraction");
    assertNull(typed("1.5", "i"));
    assertNull(typed("abc", "l"));
    assertEquals(12, typed("12", "i"));
    assertEquals(3000000000L, typed("3000000000", "l"));
    // 3,000,000,000 > 2^31 - 1 = 2,147,483,647: not an INT
    assertNull(typed("3000000000", "i"));
  }

  @Test
  void datesAndTimestampsParseIsoTextOnly() {
    assertEquals(
        Instant.parse("2017-01-28T19:06:53Z"),
        ((Timestamp) typed("2017-01-28T19:06:53Z", "t")).toInstant());
    assertEquals(LocalDate.of(2017, 3, 3), ((Date) typed("2017-03-03", "d")).toLocalDate());
    assertNull(typed("2017-02-30", "d")); // no 30th of February
    assertNull(typed("abc", "d"));
    assertNull(typed("abc", "t"));
  }

  @Test
  void stringsStayAsTheyAre() {
    assertEquals("abc", typed("abc", "s"));
    assertEquals("9e+05", typed("9e+05", "s"));
  }

  @Test
  void eachTypeNamesTheRuleItFails() {
    assertEquals("invalid_number", FieldType.INT.invalidRule());
    assertEquals("invalid_number", FieldType.LONG.invalidRule());
    assertEquals("invalid_amount", FieldType.CENTS.invalidRule());
    assertEquals("invalid_date", FieldType.DATE.invalidRule());
    assertEquals("invalid_timestamp", FieldType.TIMESTAMP.invalidRule());
  }
}
