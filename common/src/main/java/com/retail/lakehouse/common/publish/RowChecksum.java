package com.retail.lakehouse.common.publish;

import java.io.Serializable;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * An order-independent checksum of a table that Java (over Spark rows) and PostgreSQL (over the
 * served rows) compute identically: the sum, modulo 2^64, of one 64-bit hash per row.
 *
 * <p>A row's hash is the first 16 hex digits of the MD5 of its fields' tokens joined by commas; a
 * field's token is {@code N} for null, else its canonical text prefixed by the text's length in
 * characters (code points) and a colon, so that no separator inside a value can make two rows
 * alike. The canonical texts are ones both engines render exactly: integers, booleans, text and
 * decimals as PostgreSQL prints them (decimals keep their scale, as {@code numeric(p,s)} does);
 * doubles as the 16 hex digits of their IEEE-754 bits ({@code float8send}), so no decimal rendering
 * is involved; dates as {@code YYYY-MM-DD}; timestamps as microseconds since the epoch; arrays as
 * {@code [t1,t2,...]} of their elements' tokens. One MD5 per row keeps both sides cheap.
 */
public final class RowChecksum implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final BigInteger TWO_TO_64 = BigInteger.ONE.shiftLeft(64);
  private static final HexFormat HEX = HexFormat.of();

  private final StructType schema;
  private transient MessageDigest md5;

  public RowChecksum(StructType schema) {
    this.schema = schema;
  }

  /** The 64-bit hash of one row of this schema. */
  public long hash(Row row) {
    StringBuilder tokens = new StringBuilder();
    StructField[] fields = schema.fields();
    for (int i = 0; i < fields.length; i++) {
      if (i > 0) {
        tokens.append(',');
      }
      tokens.append(token(row.isNullAt(i) ? null : row.get(i), fields[i].dataType()));
    }
    String hex = md5Hex(tokens.toString());
    return Long.parseUnsignedLong(hex.substring(0, 16), 16);
  }

  /** A sum of row hashes (wrapping) as the unsigned decimal PostgreSQL's side gives. */
  public static String format(long sum) {
    return Long.toUnsignedString(sum);
  }

  private String token(Object value, DataType type) {
    if (value == null) {
      return "N";
    }
    String text = text(value, type);
    return text.codePointCount(0, text.length()) + ":" + text;
  }

  private String text(Object value, DataType type) {
    if (type instanceof ArrayType a) {
      List<?> items =
          value instanceof scala.collection.Seq<?> seq
              ? scala.jdk.javaapi.CollectionConverters.asJava(seq)
              : (List<?>) value;
      StringBuilder s = new StringBuilder("[");
      for (int i = 0; i < items.size(); i++) {
        if (i > 0) {
          s.append(',');
        }
        s.append(token(items.get(i), a.elementType()));
      }
      return s.append(']').toString();
    }
    if (type.equals(DataTypes.DoubleType)) {
      return HEX.toHexDigits(Double.doubleToLongBits((Double) value));
    }
    if (value instanceof BigDecimal d) {
      return d.toPlainString();
    }
    if (value instanceof Timestamp t) {
      return Long.toString(Math.floorDiv(t.getTime(), 1000) * 1_000_000 + t.getNanos() / 1000);
    }
    if (value instanceof Instant t) {
      return Long.toString(t.getEpochSecond() * 1_000_000 + t.getNano() / 1000);
    }
    return value.toString(); // text, integers, booleans, dates (java.sql.Date and LocalDate)
  }

  private String md5Hex(String text) {
    if (md5 == null) {
      try {
        md5 = MessageDigest.getInstance("MD5");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
    return HEX.formatHex(md5.digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * A query giving the row count and the checksum (unsigned decimal) of {@code table}, whose
   * columns are this schema's.
   */
  public String sql(String table) {
    StringBuilder tokens = new StringBuilder();
    for (StructField f : schema.fields()) {
      if (!tokens.isEmpty()) {
        tokens.append(" || ',' || ");
      }
      tokens.append(tokenSql(CopyEncoder.quoteIdentifier(f.name()), f.dataType()));
    }
    String rowHash = "('x' || substr(md5(" + tokens + "), 1, 16))::bit(64)::bigint";
    return "SELECT count(*), ((coalesce(sum(h::numeric), 0) % "
        + TWO_TO_64
        + ") + "
        + TWO_TO_64
        + ") % "
        + TWO_TO_64
        + " FROM (SELECT "
        + rowHash
        + " AS h FROM "
        + table
        + ") AS rows";
  }

  private static String tokenSql(String column, DataType type) {
    String text = textSql(column, type);
    return "coalesce(length(" + text + ") || ':' || " + text + ", 'N')";
  }

  private static String textSql(String c, DataType type) {
    if (type instanceof ArrayType a) {
      return "CASE WHEN "
          + c
          + " IS NULL THEN NULL ELSE '[' || coalesce((SELECT string_agg("
          + tokenSql("e", a.elementType())
          + ", ',' ORDER BY o) FROM unnest("
          + c
          + ") WITH ORDINALITY AS u(e, o)), '') || ']' END";
    }
    if (type.equals(DataTypes.DoubleType)) {
      return "encode(float8send(" + c + "), 'hex')";
    }
    if (type.equals(DataTypes.DateType)) {
      return "to_char(" + c + ", 'YYYY-MM-DD')";
    }
    if (type.equals(DataTypes.TimestampType)) {
      return "(extract(epoch FROM " + c + ") * 1000000)::bigint::text";
    }
    return c + "::text";
  }
}
