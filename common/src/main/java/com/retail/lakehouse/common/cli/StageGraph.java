package com.retail.lakehouse.common.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.retail.lakehouse.common.UserError;
import com.retail.lakehouse.common.lake.Lake;
import com.retail.lakehouse.common.lake.TableId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.SparkSession;

/**
 * The stages of the pipeline ordered from what each declares: a stage runs after every stage that
 * writes a table it reads. Everything that needs the stage list (the local runner's order and usage
 * text, the "run that stage first" hints, the DAG's tasks and edges, lineage) derives it from here.
 */
public final class StageGraph {
  private final List<Job> ordered;
  private final Map<TableId, String> producers;
  private final Map<String, Set<String>> upstream;

  private StageGraph(List<Job> ordered, Map<TableId, String> producers) {
    this.ordered = List.copyOf(ordered);
    this.producers = Map.copyOf(producers);
    this.upstream = reducedUpstream(ordered, producers);
  }

  /**
   * Orders the jobs so that every stage comes after the stages whose tables it reads; among stages
   * free to run, the order of {@code jobs} is kept. Fails when two stages write the same table, a
   * stage requires a table nothing writes, or the reads form a cycle. A table read when present may
   * have no producing stage (the run history, which every stage appends to).
   */
  public static StageGraph of(List<? extends Job> jobs) {
    Map<TableId, String> producers = new LinkedHashMap<>();
    Set<String> names = new LinkedHashSet<>();
    for (Job job : jobs) {
      StageSpec spec = job.spec();
      if (!names.add(spec.name())) {
        throw new IllegalArgumentException("two stages are named " + spec.name());
      }
      for (TableId t : spec.outputs()) {
        String other = producers.putIfAbsent(t, spec.name());
        if (other != null && !other.equals(spec.name())) {
          throw new IllegalArgumentException(
              t + " is written by both " + other + " and " + spec.name());
        }
      }
    }
    for (Job job : jobs) {
      for (TableId t : job.spec().reads()) {
        if (!producers.containsKey(t)) {
          throw new IllegalArgumentException(
              job.stage() + " reads " + t + ", which no stage writes");
        }
      }
    }
    List<Job> ordered = new ArrayList<>();
    List<Job> left = new ArrayList<>(jobs);
    Set<String> done = new LinkedHashSet<>();
    while (!left.isEmpty()) {
      Job next =
          left.stream()
              .filter(j -> dependencies(j.spec(), producers).stream().allMatch(done::contains))
              .findFirst()
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "the stages' reads form a cycle among "
                              + left.stream().map(Job::stage).toList()));
      ordered.add(next);
      done.add(next.stage());
      left.remove(next);
    }
    return new StageGraph(ordered, producers);
  }

  /** Every stage, in an order that runs each after those it reads from. */
  public List<Job> stages() {
    return ordered;
  }

  public List<String> names() {
    return ordered.stream().map(Job::stage).toList();
  }

  public Optional<Job> stage(String name) {
    return ordered.stream().filter(j -> j.stage().equals(name)).findFirst();
  }

  /**
   * The stages from {@code name} on, in run order (to resume a run where it stopped); a usage error
   * naming the stages when there is no such stage.
   */
  public List<Job> from(String name) {
    List<String> names = names();
    int first = names.indexOf(name);
    if (first < 0) {
      throw new com.retail.lakehouse.common.UserError(
          "--from " + name + ": no such stage (" + String.join(", ", names) + ")");
    }
    return ordered.subList(first, ordered.size());
  }

  /** The stage that writes the table, if any does. */
  public Optional<String> producerOf(TableId table) {
    return Optional.ofNullable(producers.get(table));
  }

  /**
   * The stages that read the table, and those that read what they write, in run order: what to
   * rerun after the table changed outside a stage (a quarantine replay).
   */
  public List<Job> downstreamOf(TableId table) {
    Set<TableId> changed = new LinkedHashSet<>(List.of(table));
    List<Job> affected = new ArrayList<>();
    for (Job job : ordered) {
      if (job.spec().inputs().stream().anyMatch(changed::contains)) {
        affected.add(job);
        changed.addAll(job.spec().outputs());
      }
    }
    return affected;
  }

  /**
   * The stages a stage must wait for, without those it already waits for through another (the edges
   * of the DAG).
   */
  public Set<String> upstreamOf(String stage) {
    return upstream.getOrDefault(stage, Set.of());
  }

  /**
   * Fails, naming the stage to run first, when a table the stage needs is not in the lake. Tables
   * read only when present are not required.
   */
  public void requireInputs(SparkSession spark, Lake lake, StageSpec spec) {
    for (TableId input : spec.reads()) {
      if (!lake.exists(spark, input)) {
        throw new UserError(
            input
                + " does not exist in "
                + lake.root()
                + ": run the "
                + producerOf(input).orElse("?")
                + " stage first");
      }
    }
  }

  /**
   * The graph as JSON, for the Airflow DAG and lineage tools: per stage its main class,
   * description, upstream stages, reads, writes (with mode) and needs, in run order.
   */
  public String toJson() {
    return toJson(List.of());
  }

  /**
   * The graph as JSON, and under {@code "maintenance"} the jobs that run apart from it on a
   * schedule of their own (name, main class, description).
   */
  public String toJson(List<? extends Job> maintenance) {
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode root = json.createObjectNode();
    root.put(
        "comment",
        "Generated from the stage declarations by `bin/pipeline stages --json`; do not edit.");
    ArrayNode stages = root.putArray("stages");
    for (Job job : ordered) {
      StageSpec s = job.spec();
      ObjectNode node = stages.addObject();
      node.put("name", s.name());
      node.put("main_class", s.mainClass());
      node.put("description", s.description());
      ArrayNode up = node.putArray("upstream");
      upstreamOf(s.name()).forEach(up::add);
      ArrayNode reads = node.putArray("reads");
      s.reads().forEach(t -> reads.add(t.toString()));
      ArrayNode optional = node.putArray("reads_when_present");
      s.optionalReads().forEach(t -> optional.add(t.toString()));
      ArrayNode writes = node.putArray("writes");
      for (StageSpec.Output o : s.writes()) {
        writes.addObject().put("table", o.table().toString()).put("mode", o.mode().label());
      }
      ArrayNode needs = node.putArray("needs");
      s.needs().stream().sorted().forEach(n -> needs.add(n.label()));
    }
    if (!maintenance.isEmpty()) {
      ArrayNode apart = root.putArray("maintenance");
      for (Job job : maintenance) {
        apart
            .addObject()
            .put("name", job.spec().name())
            .put("main_class", job.spec().mainClass())
            .put("description", job.spec().description());
      }
    }
    try {
      return json.writeValueAsString(root) + "\n";
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Set<String> dependencies(StageSpec spec, Map<TableId, String> producers) {
    Set<String> deps = new LinkedHashSet<>();
    for (TableId t : spec.inputs()) {
      String producer = producers.get(t);
      if (producer != null && !producer.equals(spec.name())) {
        deps.add(producer);
      }
    }
    return deps;
  }

  /** Direct dependencies less those reachable through another dependency (transitive reduction). */
  private static Map<String, Set<String>> reducedUpstream(
      List<Job> ordered, Map<TableId, String> producers) {
    Map<String, Set<String>> direct = new LinkedHashMap<>();
    for (Job j : ordered) {
      direct.put(j.stage(), dependencies(j.spec(), producers));
    }
    Map<String, Set<String>> reduced = new LinkedHashMap<>();
    for (Map.Entry<String, Set<String>> e : direct.entrySet()) {
      Set<String> keep = new LinkedHashSet<>();
      for (String dep : e.getValue()) {
        boolean viaOther =
            e.getValue().stream()
                .filter(other -> !other.equals(dep))
                .anyMatch(other -> reaches(direct, other, dep));
        if (!viaOther) {
          keep.add(dep);
        }
      }
      reduced.put(e.getKey(), java.util.Collections.unmodifiableSet(new java.util.TreeSet<>(keep)));
    }
    return reduced;
  }

  private static boolean reaches(Map<String, Set<String>> direct, String from, String to) {
    for (String next : direct.getOrDefault(from, Set.of())) {
      if (next.equals(to) || reaches(direct, next, to)) {
        return true;
      }
    }
    return false;
  }
}
