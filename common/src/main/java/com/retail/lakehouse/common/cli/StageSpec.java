package com.retail.lakehouse.common.cli;

import com.retail.lakehouse.common.lake.TableId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * What one stage is, declared once beside its code: its name, the lake tables it reads (required or
 * read when present), the tables it writes and how, and what it needs outside the lake. The stage
 * graph ({@link StageGraph}) orders the stages from these declarations; the local runner, the run
 * summary, the "run that stage first" hints, the Airflow DAG (through {@code stages.json}) and
 * lineage all read them.
 */
public record StageSpec(
    String name,
    String mainClass,
    String description,
    List<TableId> reads,
    List<TableId> optionalReads,
    List<Output> writes,
    Set<Need> needs) {

  /** How a stage writes a table. */
  public enum Mode {
    /** New rows are added; existing rows are never changed. */
    APPEND,
    /** Rows are inserted, updated or deleted by key. */
    MERGE,
    /** The whole table is replaced. */
    OVERWRITE;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** What a stage needs from outside the lake. */
  public enum Need {
    /** The landing directory of source files ({@code sources.root}). */
    LANDING,
    /** The shop's orders API ({@code orders-api.url}). */
    SHOP_API,
    /** The serving PostgreSQL ({@code postgres.url}). */
    DATABASE;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** A table a stage writes, and how. */
  public record Output(TableId table, Mode mode) {}

  public StageSpec {
    reads = List.copyOf(reads);
    optionalReads = List.copyOf(optionalReads);
    writes = List.copyOf(writes);
    needs = needs.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(needs));
  }

  /** The tables written, whatever the mode. */
  public List<TableId> outputs() {
    return writes.stream().map(Output::table).toList();
  }

  /** Every table read, required first. */
  public List<TableId> inputs() {
    List<TableId> all = new ArrayList<>(reads);
    all.addAll(optionalReads);
    return all;
  }

  public boolean needs(Need need) {
    return needs.contains(need);
  }

  /** Starts the declaration of a stage run by {@code mainClass}. */
  public static Builder stage(String name, Class<? extends Job> mainClass) {
    return new Builder(name, mainClass.getName());
  }

  /** Declares a stage step by step. */
  public static final class Builder {
    private final String name;
    private final String mainClass;
    private String description = "";
    private final List<TableId> reads = new ArrayList<>();
    private final List<TableId> optionalReads = new ArrayList<>();
    private final List<Output> writes = new ArrayList<>();
    private final Set<Need> needs = EnumSet.noneOf(Need.class);

    private Builder(String name, String mainClass) {
      this.name = name;
      this.mainClass = mainClass;
    }

    public Builder describedAs(String text) {
      description = text;
      return this;
    }

    public Builder reads(List<TableId> tables) {
      reads.addAll(tables);
      return this;
    }

    public Builder reads(TableId... tables) {
      return reads(List.of(tables));
    }

    /** Tables read when they exist (another branch of the pipeline may not have run). */
    public Builder readsWhenPresent(List<TableId> tables) {
      optionalReads.addAll(tables);
      return this;
    }

    public Builder writes(Mode mode, List<TableId> tables) {
      tables.forEach(t -> writes.add(new Output(t, mode)));
      return this;
    }

    public Builder writes(Mode mode, TableId... tables) {
      return writes(mode, List.of(tables));
    }

    public Builder needs(Need... what) {
      needs.addAll(List.of(what));
      return this;
    }

    public StageSpec build() {
      return new StageSpec(name, mainClass, description, reads, optionalReads, writes, needs);
    }
  }
}
