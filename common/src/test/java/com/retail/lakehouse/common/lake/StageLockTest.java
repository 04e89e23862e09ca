package com.retail.lakehouse.common.lake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.retail.lakehouse.common.RunFailure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One run of a stage at a time: the lock file in the lake, its holders, dead and alive. */
class StageLockTest {
  private static final Configuration HADOOP = new Configuration();
  private static final Duration STALE = Duration.ofMinutes(2);

  @TempDir Path lake;

  private static StageLock.Holder me(String run) {
    return StageLock.Holder.current(run, "silver", "2018-01-02");
  }

  private StageLock take(String run, Duration wait, List<StageLock.DeadHolder> dead) {
    return StageLock.acquire(HADOOP, lake.toString(), me(run), wait, STALE, dead::add);
  }

  @Test
  void aSecondRunStopsWithALineNamingTheHolder() {
    List<StageLock.DeadHolder> dead = new ArrayList<>();
    try (StageLock first = take("run-a", Duration.ZERO, dead)) {
      RunFailure e =
          assertThrows(RunFailure.class, () -> take("run-b", Duration.ZERO, dead).close());
      assertTrue(e.getMessage().startsWith("stage silver is held by run run-a (logical date"));
      assertTrue(e.getMessage().contains("pid " + ProcessHandle.current().pid()), e.getMessage());
      assertTrue(e.getMessage().endsWith("try again when it ends"), e.getMessage());
      assertEquals(1, e.getMessage().lines().count());
    }
    // released: the next run takes it at once
    take("run-c", Duration.ZERO, dead).close();
    assertEquals(List.of(), dead);
    assertFalse(Files.exists(lake.resolve("_locks/silver")), "released locks are deleted");
  }

  @Test
  void aWaitingRunTakesTheStageWhenTheHolderEnds() throws Exception {
    List<StageLock.DeadHolder> dead = new ArrayList<>();
    StageLock first = take("run-a", Duration.ZERO, dead);
    long started = System.nanoTime();
    Thread release =
        new Thread(
            () -> {
              sleep(1500);
              first.close();
            });
    release.start();
    try (StageLock second = take("run-b", Duration.ofSeconds(60), dead)) {
      long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      assertTrue(waited >= 1400, "waited " + waited + " ms for the holder");
      assertEquals("run-b", second.holder().runId());
    }
    release.join();
    assertEquals(List.of(), dead);
  }

  @Test
  void aHolderWhoseProcessIsGoneIsBrokenAtOnceAndReportedOnce() throws Exception {
    StageLock.Holder killed = killedHolder(Instant.parse("2026-01-01T10:00:00Z"), "nonce-1");
    Path file = writeLock(killed);
    FileTime lastSeen = FileTime.fromMillis(Instant.now().minusSeconds(5).toEpochMilli());
    Files.setLastModifiedTime(file, lastSeen);

    List<StageLock.DeadHolder> dead = new ArrayList<>();
    try (StageLock lock = take("run-next", Duration.ZERO, dead)) {
      assertEquals("run-next", lock.holder().runId());
    }
    assertEquals(1, dead.size());
    assertEquals(killed, dead.get(0).holder());
    assertEquals(lastSeen.toInstant(), dead.get(0).lastSeen());
  }

  @Test
  void aHolderElsewhereIsDeadOnlyOnceItsLockIsStale() throws Exception {
    StageLock.Holder elsewhere =
        new StageLock.Holder(
            "run-far",
            "silver",
            "2018-01-01",
            "another-host/pid:[1]",
            ProcessHandle.current().pid(),
            Instant.now().minusSeconds(600),
            "nonce-2");
    Path file = writeLock(elsewhere);
    List<StageLock.DeadHolder> dead = new ArrayList<>();
    // refreshed a moment ago: alive, whatever its pid means here
    RunFailure busy =
        assertThrows(RunFailure.class, () -> take("run-b", Duration.ZERO, dead).close());
    assertTrue(busy.getMessage().contains("run run-far"), busy.getMessage());
    // not refreshed for longer than the stale time: dead
    Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(STALE).minusSeconds(1)));
    take("run-c", Duration.ZERO, dead).close();
    assertEquals(List.of("run-far"), dead.stream().map(d -> d.holder().runId()).toList());
  }

  @Test
  void manyRunsAtOnceHoldTheStageOneAtATimeAndOneBreaksTheDeadLock() throws Exception {
    writeLock(killedHolder(Instant.now(), "nonce-3"));
    List<StageLock.DeadHolder> dead = new CopyOnWriteArrayList<>();
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<?>> runs = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      String run = "run-" + i;
      runs.add(
          pool.submit(
              () -> {
                try (StageLock lock =
                    StageLock.acquire(
                        HADOOP,
                        lake.toString(),
                        me(run),
                        Duration.ofMinutes(1),
                        STALE,
                        dead::add)) {
                  most.accumulateAndGet(inside.incrementAndGet(), Math::max);
                  sleep(50);
                  inside.decrementAndGet();
                }
              }));
    }
    for (Future<?> r : runs) {
      r.get(2, TimeUnit.MINUTES);
    }
    pool.shutdown();
    assertEquals(1, most.get(), "never two holders at once");
    assertEquals(1, dead.size(), "the dead holder is reported exactly once");
  }

  @Test
  void aLakeThatCannotBeWrittenIsNamed() throws Exception {
    Path file = Files.writeString(lake.resolve("not-a-directory"), "x");
    RunFailure e =
        assertThrows(
            RunFailure.class,
            () ->
                StageLock.acquire(
                        HADOOP, file.toString(), me("run-a"), Duration.ZERO, STALE, d -> {})
                    .close());
    assertTrue(e.getMessage().startsWith("cannot write to the lake at " + file), e.getMessage());
    assertTrue(e.getMessage().endsWith("this user may write to it"), e.getMessage());
  }

  /** A holder on this machine whose process has ended, as a killed run leaves it. */
  private static StageLock.Holder killedHolder(Instant since, String nonce) throws Exception {
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    return new StageLock.Holder(
        "run-killed", "silver", "2018-01-01", StageLock.thisMachine(), gone.pid(), since, nonce);
  }

  private Path writeLock(StageLock.Holder holder) throws Exception {
    Path file = Files.createDirectories(lake.resolve("_locks")).resolve(holder.stage());
    Files.write(file, holder.toBytes());
    return file;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
