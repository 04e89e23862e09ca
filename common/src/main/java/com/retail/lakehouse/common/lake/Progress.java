package com.retail.lakehouse.common.lake;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What an incrementally maintained table reflects: for each input table, the Delta version it has
 * consumed up to, and named values (the as-of date of a gold table). Recorded as JSON in the {@code
 * userMetadata} of the commit that wrote the table, so the output and its progress are committed
 * atomically: a run killed before the commit consumed nothing, and a run after it finds nothing new
 * to do.
 */
public record Progress(Map<String, Long> inputs, Map<String, String> values) {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String KEY = "progress";

  public Progress {
    inputs = Map.copyOf(inputs);
    values = Map.copyOf(values);
  }

  public static Progress of(Map<TableId, Long> versions) {
    Map<String, Long> inputs = new TreeMap<>();
    versions.forEach((t, v) -> inputs.put(t.toString(), v));
    return new Progress(inputs, Map.of());
  }

  /** The same progress with a named value set. */
  public Progress with(String name, String value) {
    Map<String, String> more = new TreeMap<>(values);
    more.put(name, value);
    return new Progress(inputs, more);
  }

  /** The version of the input consumed, or -1 when this progress does not cover it. */
  public long version(TableId input) {
    return inputs.getOrDefault(input.toString(), -1L);
  }

  public Optional<String> value(String name) {
    return Optional.ofNullable(values.get(name));
  }

  /** The commit metadata text. */
  public String toJson() {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode p = root.putObject(KEY);
    ObjectNode in = p.putObject("inputs");
    new TreeMap<>(inputs).forEach(in::put);
    ObjectNode vals = p.putObject("values");
    new TreeMap<>(values).forEach(vals::put);
    return root.toString();
  }

  /** Parses commit metadata written by {@link #toJson()}; empty for any other text. */
  public static Optional<Progress> parse(String metadata) {
    if (metadata == null || !metadata.startsWith("{\"" + KEY + "\"")) {
      return Optional.empty();
    }
    try {
      JsonNode p = JSON.readTree(metadata).path(KEY);
      Map<String, Long> inputs = new TreeMap<>();
      p.path("inputs")
          .fields()
          .forEachRemaining(e -> inputs.put(e.getKey(), e.getValue().asLong()));
      Map<String, String> values = new TreeMap<>();
      p.path("values")
          .fields()
          .forEachRemaining(e -> values.put(e.getKey(), e.getValue().asText()));
      return Optional.of(new Progress(inputs, values));
    } catch (JsonProcessingException e) {
      return Optional.empty();
    }
  }
}
