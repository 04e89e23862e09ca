package com.retail.lakehouse.common.quality;

import java.util.List;

/** How one bronze table becomes a silver table: typed fields, natural key, rules, references. */
public record CleaningSpec(
    String table,
    List<Field> fields,
    List<String> naturalKey,
    List<Rule> rules,
    List<Reference> references) {

  public List<String> fieldNames() {
    return fields.stream().map(Field::name).toList();
  }
}
