package com.retail.lakehouse.common.lake.local;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFs;
import org.apache.hadoop.fs.DelegateToFileSystem;
import org.apache.hadoop.fs.FsConstants;
import org.apache.hadoop.fs.FsServerDefaults;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.local.LocalConfigKeys;

/**
 * Hadoop's local file system ({@code file:}), checksums included, over {@link RawLocalFiles}: as a
 * {@code FileSystem} (Spark's and Parquet's reads and writes) and as an {@code AbstractFileSystem}
 * (Delta's log store and Spark's checkpoint files rename through {@code FileContext}).
 */
public class LocalFiles extends LocalFileSystem {
  /** The Hadoop settings (as Spark settings) that make {@code file:} paths use these classes. */
  public static final Map<String, String> SPARK_CONF =
      Map.of(
          "spark.hadoop.fs.file.impl", LocalFiles.class.getName(),
          "spark.hadoop.fs.AbstractFileSystem.file.impl", Fs.class.getName());

  public LocalFiles() {
    super(new RawLocalFiles());
  }

  /** {@link org.apache.hadoop.fs.local.LocalFs} over {@link RawLocalFiles}. */
  public static class Fs extends ChecksumFs {
    public Fs(URI uri, Configuration conf) throws IOException, URISyntaxException {
      super(new Raw(uri, conf));
    }
  }

  /** {@link org.apache.hadoop.fs.local.RawLocalFs} over {@link RawLocalFiles}. */
  static class Raw extends DelegateToFileSystem {
    Raw(URI uri, Configuration conf) throws IOException, URISyntaxException {
      super(uri, new RawLocalFiles(), conf, FsConstants.LOCAL_FS_URI.getScheme(), false);
    }

    @Override
    public int getUriDefaultPort() {
      return -1; // no default port for file:///
    }

    @Override
    public FsServerDefaults getServerDefaults(Path f) throws IOException {
      return LocalConfigKeys.getServerDefaults();
    }

    @Override
    @Deprecated
    public FsServerDefaults getServerDefaults() throws IOException {
      return LocalConfigKeys.getServerDefaults();
    }

    @Override
    public boolean isValidName(String src) {
      return true; // any local path is a valid name
    }
  }
}
