package com.retail.lakehouse.common.lake;

/**
 * A table of the lake, addressed as {@code layer.name} and stored at {@code <root>/<layer>/<name>}.
 */
public record TableId(String layer, String name) {
  public static TableId of(String qualified) {
    int dot = qualified.indexOf('.');
    if (dot <= 0 || dot == qualified.length() - 1) {
      throw new IllegalArgumentException("expected layer.table, got " + qualified);
    }
    return new TableId(qualified.substring(0, dot), qualified.substring(dot + 1));
  }

  @Override
  public String toString() {
    return layer + "." + name;
  }
}
