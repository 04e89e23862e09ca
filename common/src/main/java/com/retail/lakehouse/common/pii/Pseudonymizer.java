package com.retail.lakehouse.common.pii;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * Keyed pseudonyms for personal data: the same value and key always give the same pseudonym, so
 * joins work across runs, while the clear value cannot be recovered without the key. Emails and
 * phones are normalised first, so that {@code Ann@X.com} and {@code ann@x.com}, or {@code 07700
 * 900123} and {@code +44 7700 900123}, are one customer.
 */
public final class Pseudonymizer {
  private Pseudonymizer() {}

  public static final String EMAIL = "email";
  public static final String PHONE = "phone";
  public static final String CUSTOMER = "customer";

  /** Trimmed and lower-cased; null or blank gives null. */
  public static String normalizeEmail(String email) {
    return email == null || email.isBlank() ? null : email.strip().toLowerCase(Locale.ROOT);
  }

  /**
   * A UK phone number in international form without separators: spaces, dashes, dots and brackets
   * removed, a trunk {@code (0)} after {@code +44} dropped, {@code 0044…} and {@code 0…} written
   * {@code +44…}. Null or blank gives null.
   */
  public static String normalizePhone(String phone) {
    if (phone == null || phone.isBlank()) {
      return null;
    }
    String p = phone.strip().replace("(0)", "").replaceAll("[\\s\\-.()]", "");
    if (p.startsWith("0044")) {
      p = "+44" + p.substring(4);
    } else if (p.startsWith("44") && !p.startsWith("+")) {
      p = "+" + p;
    } else if (p.startsWith("0")) {
      p = "+44" + p.substring(1);
    }
    if (p.startsWith("+440")) {
      p = "+44" + p.substring(4);
    }
    return p;
  }

  /**
   * The postcode area: the leading letters of the outward code, upper-cased ({@code SW1A 1AA} →
   * {@code SW}, {@code m1 1ae} → {@code M}); null when the postcode does not start with a letter.
   */
  public static String postcodeArea(String postcode) {
    if (postcode == null) {
      return null;
    }
    String p = postcode.strip().toUpperCase(Locale.ROOT);
    int end = 0;
    while (end < p.length() && end < 2 && p.charAt(end) >= 'A' && p.charAt(end) <= 'Z') {
      end++;
    }
    return end == 0 ? null : p.substring(0, end);
  }

  /** The value normalised the way its kind is ({@link #EMAIL}, {@link #PHONE}, else trimmed). */
  public static String normalize(String kind, String value) {
    return switch (kind) {
      case EMAIL -> normalizeEmail(value);
      case PHONE -> normalizePhone(value);
      default -> value == null || value.isBlank() ? null : value.strip();
    };
  }

  /**
   * Hex HMAC-SHA256 under {@code key} of {@code kind + ":" + normalized value}; null for a null or
   * blank value. The kind keeps an email and a phone that happened to be equal strings apart.
   */
  public static String pseudonym(byte[] key, String kind, String value) {
    String normalized = normalize(kind, value);
    if (normalized == null) {
      return null;
    }
    return hmacHex(key, kind + ":" + normalized);
  }

  /** Hex HMAC-SHA256 of the UTF-8 bytes of {@code message}. */
  public static String hmacHex(byte[] key, String message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  /**
   * A Spark UDF {@code (kind, value) -> pseudonym} with the key captured: executors never read the
   * environment. Register it under a name, or call it through {@link functions#call_udf}.
   */
  public static UserDefinedFunction udf(byte[] key) {
    byte[] copy = key.clone();
    UDF2<String, String, String> f = (kind, value) -> pseudonym(copy, kind, value);
    return functions.udf(f, DataTypes.StringType);
  }

  /** Registers {@link #udf(byte[])} in the session as {@code name}. */
  public static void register(SparkSession spark, String name, byte[] key) {
    spark.udf().register(name, udf(key));
  }
}
