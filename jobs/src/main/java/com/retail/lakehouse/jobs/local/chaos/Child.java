package com.retail.lakehouse.jobs.local.chaos;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code bin/pipeline} process, as a user starts it, its output kept in a log file and watched:
 * when each stage starts (once it holds the stage's lock) and ends. It can be sent SIGKILL a given
 * time after a stage starts.
 */
final class Child {
  private static final Pattern STARTING = Pattern.compile("stage (\\w+) starting \\(run ");
  private static final Pattern ENDED = Pattern.compile("^(\\w+): (read [0-9,]+ rows|up to date)");

  /**
   * How a run ended: its exit code (-1 when killed), the stage it was running when killed (null
   * when it was killed between stages or not at all) and how long that stage had run, what it said
   * about its stages.
   */
  record Outcome(
      int exitCode,
      boolean killed,
      String killedIn,
      double secondsIntoStage,
      Map<String, Double> stageSeconds,
      String lastError,
      Path log) {
    boolean killedInStage() {
      return killedIn != null;
    }
  }

  private Child() {}

  /**
   * Runs {@code command} to its end; when {@code killStage} is given, sends SIGKILL {@code
   * killAfter} after that stage starts (if the process is still alive then, in that stage or a
   * later one).
   */
  static Outcome run(
      List<String> command,
      Map<String, String> environment,
      Path log,
      Optional<String> killStage,
      Duration killAfter) {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(environment);
    Process process;
    try {
      Files.createDirectories(log.getParent());
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command, e);
    }
    Map<String, Long> started = new LinkedHashMap<>();
    Map<String, Double> seconds = new LinkedHashMap<>();
    List<String> errors = new ArrayList<>();
    Thread killer = null;
    boolean[] killed = new boolean[1];
    String[] killedIn = new String[1];
    double[] into = new double[1];
    try (BufferedReader out =
            new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        PrintWriter file = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8))) {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        file.println(line);
        long now = System.nanoTime();
        Matcher start = STARTING.matcher(line);
        if (start.find()) {
          String stage = start.group(1);
          synchronized (killed) {
            started.put(stage, now);
          }
          if (killStage.isPresent() && killStage.get().equals(stage) && killer == null) {
            killer =
                new Thread(
                    () -> {
                      try {
                        Thread.sleep(killAfter.toMillis());
                      } catch (InterruptedException e) {
                        return;
                      }
                      synchronized (killed) {
                        if (process.isAlive()) {
                          killed[0] = true;
                          // the stage running now: the last one started and not ended
                          started.keySet().stream()
                              .filter(s -> !seconds.containsKey(s))
                              .reduce((a, b) -> b)
                              .ifPresent(
                                  s -> {
                                    killedIn[0] = s;
                                    into[0] = (System.nanoTime() - started.get(s)) / 1e9;
                                  });
                          process.destroyForcibly(); // SIGKILL
                        }
                      }
                    },
                    "chaos-killer");
            killer.setDaemon(true);
            killer.start();
          }
        }
        Matcher end = ENDED.matcher(line);
        if (end.find() && started.containsKey(end.group(1))) {
          synchronized (killed) {
            seconds.put(end.group(1), (now - started.get(end.group(1))) / 1e9);
          }
        }
        if (line.startsWith("error: ")) {
          errors.add(line);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot keep the output of " + command + " in " + log, e);
    }
    try {
      if (!process.waitFor(10, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new IllegalStateException("no end to " + command + "; see " + log);
      }
      if (killer != null) {
        killer.interrupt();
        killer.join();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new IllegalStateException("interrupted");
    }
    synchronized (killed) {
      return new Outcome(
          killed[0] ? -1 : process.exitValue(),
          killed[0],
          killedIn[0],
          into[0],
          Map.copyOf(seconds),
          errors.isEmpty() ? "" : errors.get(errors.size() - 1),
          log);
    }
  }
}
