package com.retail.lakehouse.common.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class CopyEncoderTest {
  @Test
  void sqlTypeOfEachSparkType() {
    assertEquals("text", CopyEncoder.sqlType(DataTypes.StringType));
    assertEquals("bigint", CopyEncoder.sqlType(DataTypes.LongType));
    assertEquals("integer", CopyEncoder.sqlType(DataTypes.IntegerType));
    assertEquals("double precision", CopyEncoder.sqlType(DataTypes.DoubleType));
    assertEquals("boolean", CopyEncoder.sqlType(DataTypes.BooleanType));
    assertEquals("date", CopyEncoder.sqlType(DataTypes.DateType));
    assertEquals("timestamptz", CopyEncoder.sqlType(DataTypes.TimestampType));
    assertEquals("numeric(12,2)", CopyEncoder.sqlType(DataTypes.createDecimalType(12, 2)));
    assertEquals("text[]", CopyEncoder.sqlType(DataTypes.createArrayType(DataTypes.StringType)));
    assertThrows(IllegalArgumentException.class, () -> CopyEncoder.sqlType(DataTypes.BinaryType));
  }

  @Test
  void columnDefinitionsQuoteNamesAndKeepNotNull() {
    StructType schema =
        new StructType()
            .add("id", DataTypes.LongType, false)
            .add("odd \"name\"", DataTypes.StringType, true);
    assertEquals(
        "\"id\" bigint NOT NULL, \"odd \"\"name\"\"\" text", CopyEncoder.columnDefinitions(schema));
  }

  @Test
  void csvLineTellsNullFromEmptyAndQuotesEverythingElse() {
    String line =
        CopyEncoder.csvLine(
            RowFactory.create(
                1L,
                null,
                "",
                "a \"q\", b",
                new BigDecimal("12.30"),
                Date.valueOf("2017-01-02"),
                Timestamp.from(Instant.parse("2017-01-28T19:06:53.500Z")),
                Arrays.asList("x\"y", "back\\slash", null),
                true,
                1.5));
    // the array literal is {"x\"y","back\\slash",NULL}; CSV then doubles each quote
    assertEquals(
        "\"1\",,\"\",\"a \"\"q\"\", b\",\"12.30\",\"2017-01-02\",\"2017-01-28T19:06:53.500Z\","
            + "\"{\"\"x\\\"\"y\"\",\"\"back\\\\slash\"\",NULL}\",\"true\",\"1.5\"\n",
        line);
  }

  @Test
  void decimalsArePlainNotScientific() {
    assertEquals(
        "\"0.00000001\"\n", CopyEncoder.csvLine(RowFactory.create(new BigDecimal("1E-8"))));
    assertEquals("\"{}\"\n", CopyEncoder.csvLine(RowFactory.create(List.of())));
  }
}
