package com.retail.lakehouse.jobs.local.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The figures of one bench run: one row per tool and task, written as CSV (every figure) and
 * printed as a Markdown table (the comparisons, for the README).
 */
final class BenchReport {
  /**
   * One figure. {@code rows} is what the tool went through ({@code unit}: transaction lines,
   * baskets, rows published); {@code peakRssKb} is -1 where the process measured also ran other
   * tasks (a pipeline stage) or is not the one doing the work.
   */
  /** How the runner's own time of each stage is named (the comparisons name stages too). */
  static final String RUNNER_STAGE = "runner: stage ";

  record Figure(
      String step,
      String tool,
      String task,
      long wallMs,
      long rows,
      String unit,
      long peakRssKb,
      double loadBefore,
      double loadAfter) {
    double rowsPerSecond() {
      return wallMs <= 0 ? 0 : rows * 1000.0 / wallMs;
    }
  }

  /** Two figures compared: the pipeline's and the other tool's, on the same input. */
  record Comparison(String step, String what, Figure pipeline, Figure other) {
    double ratio() {
      return other.wallMs() <= 0 ? Double.NaN : (double) pipeline.wallMs() / other.wallMs();
    }
  }

  static final String CSV_HEADER =
      "run_at,dataset,nproc,memory_gib,step,tool,task,wall_s,rows,unit,rows_per_s,peak_rss_mb,"
          + "load1_before,load1_after";

  private final String runAt;
  private final String dataset;
  private final int nproc;
  private final double memoryGib;
  private final List<Figure> figures = new ArrayList<>();
  private final List<Comparison> comparisons = new ArrayList<>();

  BenchReport(String runAt, String dataset, int nproc, double memoryGib) {
    this.runAt = runAt;
    this.dataset = dataset;
    this.nproc = nproc;
    this.memoryGib = memoryGib;
  }

  Figure add(Figure f) {
    figures.add(f);
    return f;
  }

  void compare(String step, String what, Figure pipeline, Figure other) {
    comparisons.add(new Comparison(step, what, pipeline, other));
  }

  List<Figure> figures() {
    return List.copyOf(figures);
  }

  String csv() {
    StringBuilder out = new StringBuilder(CSV_HEADER).append('\n');
    for (Figure f : figures) {
      out.append(
              String.join(
                  ",",
                  runAt,
                  dataset,
                  Integer.toString(nproc),
                  fmt("%.1f", memoryGib),
                  f.step(),
                  f.tool(),
                  quote(f.task()),
                  fmt("%.2f", f.wallMs() / 1000.0),
                  Long.toString(f.rows()),
                  f.unit(),
                  fmt("%.0f", f.rowsPerSecond()),
                  f.peakRssKb() < 0 ? "" : fmt("%.0f", f.peakRssKb() / 1024.0),
                  fmt("%.2f", f.loadBefore()),
                  fmt("%.2f", f.loadAfter())))
          .append('\n');
    }
    return out.toString();
  }

  /** The comparisons as a Markdown table, with the machine and its load. */
  String markdown() {
    StringBuilder out = new StringBuilder();
    out.append(
        fmt(
            "Dataset %s, run %s, on %d cores and %.0f GiB (load average 1 min: %s).%n%n",
            dataset, runAt, nproc, memoryGib, loadRange()));
    out.append(
        "| step | what | pipeline | s | rows/s | peak MB | other tool | s | rows/s | peak MB |"
            + " pipeline / other |\n");
    out.append("|---|---|---|---:|---:|---:|---|---:|---:|---:|---:|\n");
    for (Comparison c : comparisons) {
      out.append(
          fmt(
              "| %s | %s | %s | %.1f | %s | %s | %s | %.1f | %s | %s | %.2f |%n",
              c.step(),
              c.what(),
              c.pipeline().task(),
              c.pipeline().wallMs() / 1000.0,
              rate(c.pipeline()),
              memory(c.pipeline()),
              c.other().tool() + ": " + c.other().task(),
              c.other().wallMs() / 1000.0,
              rate(c.other()),
              memory(c.other()),
              c.ratio()));
    }
    out.append("\nPipeline stages (the runner's own times)\n\n| step | stage | s | rows read |\n");
    out.append("|---|---|---:|---:|\n");
    for (Figure f : figures) {
      if (f.tool().equals("pipeline") && f.task().startsWith(RUNNER_STAGE)) {
        out.append(
            fmt(
                "| %s | %s | %.1f | %,d |%n",
                f.step(),
                f.task().substring(RUNNER_STAGE.length()),
                f.wallMs() / 1000.0,
                f.rows()));
      }
    }
    return out.toString();
  }

  void write(Path csv) throws IOException {
    Files.createDirectories(csv.toAbsolutePath().getParent());
    Files.writeString(csv, csv());
    String name = csv.getFileName().toString().replaceFirst("\\.csv$", "");
    Files.writeString(csv.resolveSibling(name + ".md"), markdown());
  }

  private String loadRange() {
    double min = Double.MAX_VALUE;
    double max = 0;
    for (Figure f : figures) {
      min = Math.min(min, Math.min(f.loadBefore(), f.loadAfter()));
      max = Math.max(max, Math.max(f.loadBefore(), f.loadAfter()));
    }
    return figures.isEmpty() ? "n/a" : fmt("%.1f to %.1f", min, max);
  }

  private static String rate(Figure f) {
    return f.rows() <= 0 ? "" : fmt("%,.0f", f.rowsPerSecond());
  }

  private static String memory(Figure f) {
    return f.peakRssKb() < 0 ? "" : fmt("%,.0f", f.peakRssKb() / 1024.0);
  }

  private static String quote(String s) {
    return s.contains(",") ? '"' + s.replace("\"", "\"\"") + '"' : s;
  }

  private static String fmt(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }
}
