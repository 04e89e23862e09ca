package com.retail.lakehouse.common.lake;

import java.util.regex.Pattern;

/**
 * A table of the lake, addressed as {@code layer.name} and stored at {@code <root>/<layer>/<name>}.
 * Both parts are lower-case SQL identifiers, checked here, so a table id can be written into SQL (a
 * catalog name, a served table) without quoting surprises.
 */
public record TableId(String layer, String name) {
  private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]*");

  public TableId {
    if (!isIdentifier(layer) || !isIdentifier(name)) {
      throw new IllegalArgumentException(
          "a table is layer.name in lower-case letters, digits and underscores (got '"
              + layer
              + "."
              + name
              + "')");
    }
  }

  /** True when {@code text} is a lower-case SQL identifier: {@code [a-z_][a-z0-9_]*}. */
  public static boolean isIdentifier(String text) {
    return text != null && text.length() <= 63 && IDENTIFIER.matcher(text).matches();
  }

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
