package com.retail.lakehouse.common.lake.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.CreateFlag;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link LocalFiles} behaves as Hadoop's local file system where Delta and Spark rely on it: a new
 * file's permissions, a rename that refuses to replace a file (how a Delta commit claims its
 * version), symbolic links told from files, checksums beside the files.
 */
class LocalFilesTest {

  /** A Hadoop configuration with the settings every session gets (less their spark.hadoop.). */
  private static Configuration conf() {
    Configuration conf = new Configuration(false);
    LocalFiles.SPARK_CONF.forEach((k, v) -> conf.set(k.substring("spark.hadoop.".length()), v));
    conf.setBoolean("fs.file.impl.disable.cache", true);
    return conf;
  }

  @Test
  void modesMapToTheirPosixPermissions() {
    assertEquals(PosixFilePermissions.fromString("rw-r--r--"), RawLocalFiles.posix(0644));
    assertEquals(PosixFilePermissions.fromString("rwxr-xr-x"), RawLocalFiles.posix(0755));
    assertEquals(PosixFilePermissions.fromString("rwx------"), RawLocalFiles.posix(0700));
    assertEquals(PosixFilePermissions.fromString("---------"), RawLocalFiles.posix(0));
  }

  @Test
  void fileSchemePathsUseTheseClassesWithTheirChecksums(@TempDir java.nio.file.Path dir)
      throws Exception {
    Path file = new Path(dir.toUri().toString(), "part-0.parquet");
    FileSystem fs = file.getFileSystem(conf());
    assertInstanceOf(LocalFiles.class, fs);

    try (var out =
        fs.create(
            file,
            FsPermission.createImmutable((short) 0640),
            false,
            4096,
            (short) 1,
            1 << 20,
            null)) {
      out.write("rows".getBytes(StandardCharsets.UTF_8));
    }
    java.nio.file.Path written = dir.resolve("part-0.parquet");
    assertEquals(
        PosixFilePermissions.fromString("rw-r-----"), Files.getPosixFilePermissions(written));
    assertTrue(Files.exists(dir.resolve(".part-0.parquet.crc")), "the checksum file");

    fs.setPermission(file, FsPermission.createImmutable((short) 0600));
    assertEquals(
        PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(written));
  }

  @Test
  void aRenameThatWouldReplaceAFileIsRefused(@TempDir java.nio.file.Path dir) throws Exception {
    FileContext fc = FileContext.getFileContext(dir.toUri(), conf());
    assertInstanceOf(LocalFiles.Fs.class, fc.getDefaultFileSystem());
    Path first = new Path(dir.toUri().toString(), ".00000000000000000001.json.tmp");
    Path second = new Path(dir.toUri().toString(), ".00000000000000000001.json.other.tmp");
    Path commit = new Path(dir.toUri().toString(), "00000000000000000001.json");
    for (Path p : new Path[] {first, second}) {
      try (var out = fc.create(p, EnumSet.of(CreateFlag.CREATE))) {
        out.write(p.getName().getBytes(StandardCharsets.UTF_8));
      }
    }

    fc.rename(first, commit, Options.Rename.NONE);
    assertThrows(
        FileAlreadyExistsException.class, () -> fc.rename(second, commit, Options.Rename.NONE));
    assertEquals(first.getName(), Files.readString(dir.resolve(commit.getName())));
    assertTrue(Files.exists(dir.resolve("." + commit.getName() + ".crc")), "its checksum moved");
  }

  @Test
  void aSymbolicLinkIsToldFromAFile(@TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path target = Files.writeString(dir.resolve("target.json"), "{}");
    java.nio.file.Path link = Files.createSymbolicLink(dir.resolve("link.json"), target);
    FileSystem fs = new Path(dir.toUri()).getFileSystem(conf());

    // paths without their scheme: Hadoop runs readlink on the path's text, which finds no link
    // behind a file: URI (so neither does this file system, which leaves links to Hadoop)
    FileStatus file = fs.getFileLinkStatus(new Path(target.toString()));
    FileStatus symlink = fs.getFileLinkStatus(new Path(link.toString()));

    assertFalse(file.isSymlink());
    assertEquals(2, file.getLen());
    assertTrue(symlink.isSymlink());
    assertEquals(target.toString(), symlink.getSymlink().toUri().getPath());
  }
}
