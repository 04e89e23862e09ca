package com.retail.lakehouse.jobs.bronze;

import com.retail.lakehouse.common.RunFailure;
import com.retail.lakehouse.common.UserError;
import com.retail.lakehouse.common.lake.TableId;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;

/** The landing directory of source files, on any Hadoop file system. */
public final class Landing {
  private final Path root;
  private final Configuration hadoop;

  public Landing(String root, Configuration hadoop) {
    this.root = new Path(root);
    this.hadoop = hadoop;
  }

  /** Paths of the files of one source, sorted by name. */
  public List<Path> files(Source source) {
    try {
      FileSystem fs = root.getFileSystem(hadoop);
      if (!fs.isDirectory(root)) {
        throw new UserError("sources directory not found: " + root + " (pass --sources DIR)");
      }
      List<Path> found = new ArrayList<>();
      for (FileStatus f : fs.listStatus(root)) {
        if (f.isFile() && source.matches(f.getPath().getName())) {
          found.add(f.getPath());
        }
      }
      found.sort((a, b) -> a.getName().compareTo(b.getName()));
      return found;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + root, e);
    }
  }

  /** The column names of a file's header line. */
  public List<String> header(Path file) {
    return parseHeader(firstLine(file));
  }

  /** Splits a CSV header line on commas and removes the quotes around each name. */
  static List<String> parseHeader(String line) {
    if (line == null) {
      return List.of();
    }
    String clean = line.startsWith("\uFEFF") ? line.substring(1) : line;
    return Arrays.stream(clean.split(",", -1))
        .map(String::strip)
        .map(
            s ->
                s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"")
                    ? s.substring(1, s.length() - 1)
                    : s)
        .toList();
  }

  private String firstLine(Path file) {
    try {
      FileSystem fs = file.getFileSystem(hadoop);
      CompressionCodec codec = new CompressionCodecFactory(hadoop).getCodec(file);
      InputStream raw = fs.open(file);
      InputStream in = codec == null ? raw : codec.createInputStream(raw);
      try (BufferedReader reader =
          new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        return reader.readLine();
      }
    } catch (IOException e) {
      throw new UserError("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * What went wrong reading the new files of one source into {@code table}, in one line that names
   * the file when the failure does: a file gone from the landing directory between its listing and
   * its read, a gzip file cut short, any other read error. A {@link UserError} (a wrong header) is
   * kept as it is. Nothing of the table was committed: its append is one Delta commit.
   */
  public static RuntimeException readFailure(TableId table, List<Path> files, Exception e) {
    if (e instanceof UserError u) {
      return u;
    }
    String file = fileNamed(e).orElse("one of " + files.stream().map(Path::getName).toList());
    String why;
    if (causedBy(e, java.io.FileNotFoundException.class) || mentions(e, "does not exist")) {
      why = file + " vanished from the landing directory while it was read";
    } else if (causedBy(e, java.io.EOFException.class)) {
      why = file + " is cut short (" + deepestMessage(e) + "): not a complete gzip file";
    } else if (causedBy(e, java.util.zip.ZipException.class)) {
      why = file + " is not a valid gzip file (" + deepestMessage(e) + ")";
    } else {
      why = "cannot read " + file + ": " + deepestMessage(e);
    }
    return new RunFailure(
        table + " not ingested: " + why + "; nothing of it was committed, rerun when it is fixed",
        e);
  }

  private static final Pattern FILE_IN_MESSAGE =
      Pattern.compile("(?:reading file|File) (?:file:)?(\\S+?)(?:\\.? |\\.?$| does not exist)");

  /** The name of the file a Spark read error names (FAILED_READ_FILE, file not found). */
  private static Optional<String> fileNamed(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getMessage() != null) {
        Matcher m = FILE_IN_MESSAGE.matcher(t.getMessage());
        if (m.find()) {
          return Optional.of(new Path(m.group(1)).getName());
        }
      }
    }
    return Optional.empty();
  }

  private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  private static boolean mentions(Throwable e, String text) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getMessage() != null && t.getMessage().contains(text)) {
        return true;
      }
    }
    return false;
  }

  private static String deepestMessage(Throwable e) {
    String message = e.getClass().getSimpleName();
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getMessage() != null) {
        message = t.getMessage();
      }
    }
    return message.lines().findFirst().orElse(message).strip();
  }
}
