package com.retail.lakehouse.common.quality;

/**
 * A source column as silver types it; a required field that is missing fails {@code
 * missing:<name>}.
 */
public record Field(String name, FieldType type, boolean required) {
  public static Field key(String name, FieldType type) {
    return new Field(name, type, true);
  }

  public static Field optional(String name, FieldType type) {
    return new Field(name, type, false);
  }
}
