package com.retail.lakehouse.common.quality;

import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.DataTypes;

/** How a raw (string) source value is typed in silver, and the rule it fails when it cannot be. */
public enum FieldType {
  STRING("invalid_string"),
  INT("invalid_number"),
  LONG("invalid_number"),
  /** A money amount, rounded half-up to the cent: decimal(12,2). */
  CENTS("invalid_amount"),
  DATE("invalid_date"),
  TIMESTAMP("invalid_timestamp");

  /** Money columns: exact to the cent, up to 9,999,999,999.99. */
  public static final org.apache.spark.sql.types.DecimalType MONEY =
      DataTypes.createDecimalType(12, 2);

  private final String rule;

  FieldType(String rule) {
    this.rule = rule;
  }

  /** The rule name a value fails when it is present but cannot be typed. */
  public String invalidRule() {
    return rule;
  }

  /**
   * A whole number, also when written in scientific notation ({@code 9e+05}, as R writes some ids);
   * null when the text is not a number or has a fraction.
   */
  private static Column whole(Column raw) {
    // decimal(28,0) and decimal(38,10) widen losslessly to decimal(38,10) for the comparison; with
    // decimal(38,0) Spark would compare at scale 0, rounding 1.5 to 2 and accepting the fraction.
    Column exact = raw.try_cast(DataTypes.createDecimalType(28, 0));
    Column precise = raw.try_cast(DataTypes.createDecimalType(38, 10));
    return when(exact.isNotNull().and(precise.equalTo(exact)), exact);
  }

  /** The typed value of a trimmed raw string, or null when it cannot be typed. */
  public Column parse(Column raw) {
    return switch (this) {
      case STRING -> raw;
      case INT -> whole(raw).try_cast(DataTypes.IntegerType);
      case LONG -> whole(raw).try_cast(DataTypes.LongType);
      case CENTS -> round(raw.try_cast(DataTypes.createDecimalType(38, 18)), 2).try_cast(MONEY);
      case DATE -> raw.try_cast(DataTypes.DateType);
      case TIMESTAMP -> raw.try_cast(DataTypes.TimestampType);
    };
  }
}
