package com.retail.lakehouse.common.lake;

import com.retail.lakehouse.common.RunFailure;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * One run of a stage at a time, whatever the logical date: a lock file {@code
 * <lake>/_locks/<stage>} created atomically (it fails when the file exists) and holding who took
 * it. Two runs of the same stage (an Airflow retry beside a manual run, a backfill beside the daily
 * run) would otherwise both append the same new source files to bronze, or interleave the
 * overwrites of a stage's tables; with the lock, the second waits up to {@code run.lock-wait} and
 * then stops with a line naming the run that holds the stage.
 *
 * <p>A holder that dies without releasing the lock (killed, its machine lost) leaves the file
 * behind. It is recognised as dead when it ran on this machine and its process is gone, or when the
 * file's modification time, which the holder refreshes every {@code staleAfter / 4}, is older than
 * {@code staleAfter}. Exactly one waiting run breaks a dead holder's lock: it must first create the
 * marker {@code <stage>.broken-<holder's nonce>}, which only one can; it then reports the dead
 * holder (the runner records it in the audit as failed) and takes the lock as usual.
 */
public final class StageLock implements AutoCloseable {
  private static final Logger LOG = LogManager.getLogger(StageLock.class);
  private static final String DIRECTORY = "_locks";
  private static final Duration POLL = Duration.ofMillis(500);

  /** Who holds (or held) a stage. */
  public record Holder(
      String runId,
      String stage,
      String logicalDate,
      String machine,
      long pid,
      Instant since,
      String nonce) {

    /** This process, about to run {@code stage} for {@code runId}. */
    public static Holder current(String runId, String stage, String logicalDate) {
      return new Holder(
          runId,
          stage,
          logicalDate,
          thisMachine(),
          ProcessHandle.current().pid(),
          Instant.now(),
          UUID.randomUUID().toString());
    }

    /** One line for messages: run, logical date, process and since when. */
    public String describe() {
      return "run "
          + runId
          + " (logical date "
          + logicalDate
          + ", pid "
          + pid
          + " on "
          + machine
          + ", since "
          + since
          + ")";
    }

    byte[] toBytes() {
      Properties p = new Properties();
      p.setProperty("run_id", runId);
      p.setProperty("stage", stage);
      p.setProperty("logical_date", logicalDate);
      p.setProperty("machine", machine);
      p.setProperty("pid", Long.toString(pid));
      p.setProperty("since", since.toString());
      p.setProperty("nonce", nonce);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try {
        p.store(out, "stage lock of the retail lakehouse");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return out.toByteArray();
    }

    static Holder fromBytes(byte[] bytes) {
      Properties p = new Properties();
      try {
        p.load(new ByteArrayInputStream(bytes));
        return new Holder(
            p.getProperty("run_id", "?"),
            p.getProperty("stage", "?"),
            p.getProperty("logical_date", "?"),
            p.getProperty("machine", "?"),
            Long.parseLong(p.getProperty("pid", "-1")),
            Instant.parse(p.getProperty("since", Instant.EPOCH.toString())),
            p.getProperty("nonce", ""));
      } catch (IOException | RuntimeException e) {
        // a lock being written right now (HDFS shows the file before its content): no holder yet
        return null;
      }
    }
  }

  /** A dead holder's lock, found and broken: who held it and when it was last seen alive. */
  public record DeadHolder(Holder holder, Instant lastSeen) {}

  private final FileSystem fs;
  private final Path file;
  private final Holder holder;
  private final ScheduledExecutorService heartbeat;

  private StageLock(FileSystem fs, Path file, Holder holder, Duration staleAfter) {
    this.fs = fs;
    this.file = file;
    this.holder = holder;
    this.heartbeat =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "stage-lock-" + holder.stage());
              t.setDaemon(true);
              return t;
            });
    long every = Math.max(1000, staleAfter.toMillis() / 4);
    heartbeat.scheduleAtFixedRate(this::touch, every, every, TimeUnit.MILLISECONDS);
  }

  /**
   * Takes the lock of {@code me.stage()} in the lake at {@code lakeRoot}, waiting up to {@code
   * wait} for the run that holds it; a dead holder's lock is broken and reported to {@code
   * onDeadHolder} (exactly once, by the run that breaks it). Fails with a {@link RunFailure} naming
   * the holder when the wait runs out, and with one naming the lake when it cannot be written.
   */
  public static StageLock acquire(
      Configuration hadoop,
      String lakeRoot,
      Holder me,
      Duration wait,
      Duration staleAfter,
      Consumer<DeadHolder> onDeadHolder) {
    Path dir = new Path(lakeRoot, DIRECTORY);
    Path file = new Path(dir, me.stage());
    FileSystem fs;
    try {
      fs = raw(dir.getFileSystem(hadoop));
      fs.mkdirs(dir);
    } catch (IOException e) {
      throw unwritable(lakeRoot, e);
    }
    Instant deadline = Instant.now().plus(wait);
    Holder reported = null;
    while (true) {
      if (createExclusive(fs, file, me.toBytes(), lakeRoot)) {
        return new StageLock(fs, file, me, staleAfter);
      }
      Optional<FileStatus> status = status(fs, file);
      if (status.isEmpty()) {
        continue; // released between our attempt and our look: try again at once
      }
      Holder other = read(fs, file);
      Instant lastSeen = Instant.ofEpochMilli(status.get().getModificationTime());
      if (other != null && isDead(other, lastSeen, staleAfter)) {
        if (createExclusive(
            fs, new Path(dir, me.stage() + ".broken-" + other.nonce()), me.toBytes(), lakeRoot)) {
          LOG.warn(
              "stage {}: {} ended without releasing the stage (last seen {}); taking it over",
              me.stage(),
              other.describe(),
              lastSeen);
          delete(fs, file);
          onDeadHolder.accept(new DeadHolder(other, lastSeen));
        }
        continue;
      }
      if (!Instant.now().isBefore(deadline)) {
        throw new RunFailure(
            "stage "
                + me.stage()
                + " is held by "
                + (other == null ? "another run" : other.describe())
                + "; it did not end within run.lock-wait ("
                + wait.toSeconds()
                + " s): try again when it ends");
      }
      if (other != null && !other.equals(reported)) {
        LOG.info(
            "stage {} is held by {}: waiting up to {} s for it to end",
            me.stage(),
            other.describe(),
            Duration.between(Instant.now(), deadline).toSeconds());
        reported = other;
      }
      sleep(POLL);
    }
  }

  /** The holder of a stage's lock, if one is held (dead or alive). */
  public static Optional<Holder> holder(Configuration hadoop, String lakeRoot, String stage) {
    Path file = new Path(new Path(lakeRoot, DIRECTORY), stage);
    try {
      FileSystem fs = raw(file.getFileSystem(hadoop));
      return status(fs, file).map(s -> read(fs, file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Holder holder() {
    return holder;
  }

  /** Releases the lock: stops the heartbeat and deletes the file if it is still this run's. */
  @Override
  public void close() {
    heartbeat.shutdownNow();
    Holder current = read(fs, file);
    if (current != null && current.nonce().equals(holder.nonce())) {
      delete(fs, file);
    } else {
      LOG.warn("stage {}: the lock was no longer this run's when it ended", holder.stage());
    }
  }

  private void touch() {
    try {
      fs.setTimes(file, System.currentTimeMillis(), -1);
    } catch (IOException e) {
      LOG.warn("stage {}: cannot refresh the lock {}: {}", holder.stage(), file, e.toString());
    }
  }

  /**
   * Dead: it ran on this machine and its process is gone, or it has not refreshed the lock for
   * longer than {@code staleAfter} (a process id reused by another program refreshes nothing).
   */
  static boolean isDead(Holder h, Instant lastSeen, Duration staleAfter) {
    if (lastSeen.plus(staleAfter).isBefore(Instant.now())) {
      return true;
    }
    return h.machine().equals(thisMachine())
        && ProcessHandle.of(h.pid()).map(p -> !p.isAlive()).orElse(true);
  }

  /**
   * This machine, as a lock records it: the host name and, on Linux, the process-id namespace, so
   * that two containers sharing a host name do not judge each other's processes.
   */
  static String thisMachine() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      host = Optional.ofNullable(System.getenv("HOSTNAME")).orElse("unknown-host");
    }
    try {
      return host + "/" + Files.readSymbolicLink(java.nio.file.Path.of("/proc/self/ns/pid"));
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return host;
    }
  }

  /**
   * Creates {@code file} with {@code content} unless it exists, atomically: on a local disk by
   * hard-linking a complete temporary file into place (link(2) fails when the name exists); on HDFS
   * and the like with a create that refuses to overwrite (atomic in their name node).
   */
  private static boolean createExclusive(
      FileSystem fs, Path file, byte[] content, String lakeRoot) {
    try {
      if (fs instanceof RawLocalFileSystem local) {
        java.nio.file.Path target = local.pathToFile(file).toPath();
        java.nio.file.Path tmp =
            Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
        try {
          Files.write(tmp, content);
          Files.createLink(target, tmp);
          return true;
        } catch (FileAlreadyExistsException e) {
          return false;
        } finally {
          Files.deleteIfExists(tmp);
        }
      }
      try (OutputStream out = fs.create(file, false)) {
        out.write(content);
        return true;
      } catch (org.apache.hadoop.fs.FileAlreadyExistsException e) {
        return false;
      }
    } catch (IOException e) {
      if (e instanceof org.apache.hadoop.fs.FileAlreadyExistsException) {
        return false;
      }
      throw unwritable(lakeRoot, e);
    }
  }

  /** The local file system without its checksum files: the lock files are written without them. */
  private static FileSystem raw(FileSystem fs) {
    return fs instanceof LocalFileSystem local ? local.getRawFileSystem() : fs;
  }

  private static RunFailure unwritable(String lakeRoot, IOException e) {
    return new RunFailure(
        "cannot write to the lake at "
            + lakeRoot
            + " ("
            + e.getClass().getSimpleName()
            + (e.getMessage() == null ? "" : ": " + e.getMessage().lines().findFirst().orElse(""))
            + "): check that the directory exists and that this user may write to it",
        e);
  }

  private static Optional<FileStatus> status(FileSystem fs, Path file) {
    try {
      return Optional.of(fs.getFileStatus(file));
    } catch (FileNotFoundException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Holder read(FileSystem fs, Path file) {
    try (InputStream in = fs.open(file)) {
      return Holder.fromBytes(in.readAllBytes());
    } catch (FileNotFoundException e) {
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void delete(FileSystem fs, Path file) {
    try {
      fs.delete(file, false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete the lock " + file, e);
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RunFailure("interrupted while waiting for a stage lock");
    }
  }

  @Override
  public String toString() {
    return "lock of stage " + holder.stage() + " by " + holder.describe();
  }
}
