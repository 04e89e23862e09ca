package com.retail.lakehouse.common.lake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A Delta table's latest commits, read from the {@code commitInfo} action of its {@code
 * _delta_log/<version>.json} files, newest first. The same answer as {@code DeltaTable.history(n)}
 * for the commits whose files the log still keeps, without a Spark job or a snapshot: the pipeline
 * asks it several times per table per stage (progress, fingerprints, a MERGE's counts), and a job
 * per question made a run with nothing to do cost a minute.
 */
final class CommitLog {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern COMMIT = Pattern.compile("\\d{20}\\.json");

  private CommitLog() {}

  /** One commit: its version, operation, {@code userMetadata} (or null) and operation metrics. */
  record Commit(long version, String operation, String userMetadata, Map<String, String> metrics) {}

  /** The table's last {@code n} commits, newest first; empty when it has none. */
  static List<Commit> recent(FileSystem fs, Path table, int n) {
    List<Long> versions = versions(fs, table);
    List<Commit> commits = new ArrayList<>();
    for (long v : versions.subList(0, Math.min(n, versions.size()))) {
      commits.add(read(fs, commitFile(table, v), v));
    }
    return commits;
  }

  /** The table's commits after {@code version}, newest first. */
  static List<Commit> since(FileSystem fs, Path table, long version) {
    List<Commit> commits = new ArrayList<>();
    for (long v : versions(fs, table)) {
      if (v <= version) {
        break;
      }
      commits.add(read(fs, commitFile(table, v), v));
    }
    return commits;
  }

  /**
   * The table's id (Delta's UUID, fixed when the table is created) from the checksum file Delta
   * writes beside a commit, when that file is there.
   */
  static Optional<String> tableId(FileSystem fs, Path table, long version) {
    return checksum(fs, table, version)
        .map(c -> c.path("metadata").path("id"))
        .filter(JsonNode::isTextual)
        .map(JsonNode::asText);
  }

  /**
   * The table's rows at its latest version, from the checksum file of that version when Delta wrote
   * one listing every live file with its statistics (it does for tables of few files); empty
   * otherwise, and the caller counts.
   */
  static Optional<Long> rows(FileSystem fs, Path table) {
    Optional<JsonNode> checksum = latestChecksum(fs, table);
    if (checksum.isEmpty() || !checksum.get().path("allFiles").isArray()) {
      return Optional.empty();
    }
    long rows = 0;
    for (JsonNode file : checksum.get().path("allFiles")) {
      try {
        JsonNode records = JSON.readTree(file.path("stats").asText("{}")).get("numRecords");
        if (records == null || !records.canConvertToLong()) {
          return Optional.empty();
        }
        // rows a deletion vector marks deleted are still in the file's statistics
        rows += records.asLong() - file.path("deletionVector").path("cardinality").asLong(0);
      } catch (IOException e) {
        return Optional.empty();
      }
    }
    return Optional.of(rows);
  }

  /**
   * The bytes of the table's live files at its latest version ({@code tableSizeBytes} of that
   * version's checksum file): 0 for a table with no commit, empty when the checksum is not there.
   */
  static Optional<Long> sizeBytes(FileSystem fs, Path table) {
    List<Long> versions = versions(fs, table);
    if (versions.isEmpty()) {
      return Optional.of(0L);
    }
    return checksum(fs, table, versions.get(0))
        .map(c -> c.path("tableSizeBytes"))
        .filter(JsonNode::canConvertToLong)
        .map(JsonNode::asLong);
  }

  /**
   * The last version Delta recorded for an idempotent writer ({@code txnAppId}) at the table's
   * latest version, from that version's checksum file; empty when the table, the file or its list
   * of transactions is not there, or the list does not name the writer.
   */
  static Optional<Long> transactionVersion(FileSystem fs, Path table, String appId) {
    JsonNode transactions =
        latestChecksum(fs, table).map(c -> c.path("setTransactions")).orElse(JSON.missingNode());
    for (JsonNode t : transactions) {
      if (appId.equals(t.path("appId").asText()) && t.path("version").canConvertToLong()) {
        return Optional.of(t.path("version").asLong());
      }
    }
    return Optional.empty();
  }

  /**
   * The checksum file of the table's latest version; empty without a commit or without the file.
   */
  private static Optional<JsonNode> latestChecksum(FileSystem fs, Path table) {
    List<Long> versions = versions(fs, table);
    return versions.isEmpty() ? Optional.empty() : checksum(fs, table, versions.get(0));
  }

  private static Optional<JsonNode> checksum(FileSystem fs, Path table, long version) {
    Path crc = new Path(new Path(table, "_delta_log"), String.format("%020d.crc", version));
    try {
      if (!fs.exists(crc)) {
        return Optional.empty();
      }
      try (var in = fs.open(crc)) {
        return Optional.of(JSON.readTree(in));
      }
    } catch (IOException e) {
      return Optional.empty(); // written asynchronously and optional: the caller asks Delta
    }
  }

  /** The versions that have a commit file, newest first. */
  private static List<Long> versions(FileSystem fs, Path table) {
    Path log = new Path(table, "_delta_log");
    try {
      if (!fs.exists(log)) {
        return List.of();
      }
      List<Long> versions = new ArrayList<>();
      for (FileStatus f : fs.listStatus(log)) {
        String name = f.getPath().getName();
        if (COMMIT.matcher(name).matches()) {
          versions.add(Long.parseLong(name.substring(0, 20)));
        }
      }
      versions.sort(Comparator.reverseOrder());
      return versions;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + log, e);
    }
  }

  private static Path commitFile(Path table, long version) {
    return new Path(new Path(table, "_delta_log"), String.format("%020d.json", version));
  }

  private static Commit read(FileSystem fs, Path file, long version) {
    try (BufferedReader lines =
        new BufferedReader(new InputStreamReader(fs.open(file), StandardCharsets.UTF_8))) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        JsonNode info = JSON.readTree(line).get("commitInfo");
        if (info != null) {
          Map<String, String> metrics = new HashMap<>();
          info.path("operationMetrics")
              .fields()
              .forEachRemaining(e -> metrics.put(e.getKey(), e.getValue().asText()));
          JsonNode metadata = info.get("userMetadata");
          return new Commit(
              version,
              info.path("operation").asText(null),
              metadata == null || metadata.isNull() ? null : metadata.asText(),
              metrics);
        }
      }
      return new Commit(version, null, null, Map.of());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}
