package com.retail.lakehouse.jobs.bronze;

import com.retail.lakehouse.common.UserError;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
}
