package com.retail.lakehouse.jobs.local.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One tool run as its own process under GNU time ({@code /usr/bin/time -v}): its wall time
 * (measured here around the process), its peak resident memory (GNU time's "Maximum resident set
 * size": the largest of the process and the children it waited for) and the machine's 1-minute load
 * average before and after, since the machine is shared and the figures are only as good as the
 * load they were taken at.
 */
public record Measured(
    String label, long wallMs, long peakRssKb, double loadBefore, double loadAfter, Path log) {

  private static final Pattern MAX_RSS =
      Pattern.compile("Maximum resident set size \\(kbytes\\): (\\d+)");

  /**
   * Runs {@code command} in {@code dir} with {@code env} added, its output (stdout and stderr) into
   * {@code log}; fails with the log's last lines when it exits non-zero.
   */
  public static Measured run(
      String label, List<String> command, Path dir, Map<String, String> env, Path log) {
    Path timeFile = log.resolveSibling(log.getFileName() + ".time");
    List<String> timed = new ArrayList<>(List.of("/usr/bin/time", "-v", "-o", timeFile.toString()));
    timed.addAll(command);
    ProcessBuilder pb =
        new ProcessBuilder(timed)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    pb.environment().putAll(env);
    double before = loadAverage();
    long started = System.nanoTime();
    int exit;
    try {
      exit = pb.start().waitFor();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command.get(0), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(label + " interrupted", e);
    }
    long wallMs = (System.nanoTime() - started) / 1_000_000;
    double after = loadAverage();
    if (exit != 0) {
      throw new IllegalStateException(
          label + " exited with " + exit + " (log: " + log + "):\n" + tail(log, 15));
    }
    return new Measured(label, wallMs, maxRssKb(read(timeFile)), before, after, log);
  }

  /** GNU time's peak resident set size in kB, from its {@code -v} report; -1 when absent. */
  static long maxRssKb(String report) {
    Matcher m = MAX_RSS.matcher(report);
    return m.find() ? Long.parseLong(m.group(1)) : -1;
  }

  /** The 1-minute load average, from {@code /proc/loadavg}; NaN where there is none. */
  public static double loadAverage() {
    try {
      return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  /** The log's text. */
  public String output() {
    return read(log);
  }

  static String tail(Path file, int lines) {
    List<String> all = read(file).lines().toList();
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
