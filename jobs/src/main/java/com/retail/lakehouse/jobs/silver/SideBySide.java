package com.retail.lakehouse.jobs.silver;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Runs one task per key on a few threads, each once the tasks of the keys it depends on are done
 * (and given their results). On the sample each of silver's sources is a handful of short Spark
 * jobs, most of their time the driver's planning and one-task stages, which leave the other core
 * idle; side by side they fill it.
 */
final class SideBySide {
  private SideBySide() {}

  /**
   * The results in the keys' order, once every task has ended. A key's dependencies come before it
   * in the list. When a task fails, the tasks that depend on it do not run, the others end, the
   * results obtained are handed to {@code discard}, and the first failure in the keys' order is
   * thrown.
   */
  static <K, V> Map<K, V> run(
      String name,
      int threads,
      List<K> keys,
      Function<K, List<K>> dependencies,
      BiFunction<K, List<V>, V> task,
      Consumer<V> discard) {
    Map<K, CompletableFuture<V>> futures = new LinkedHashMap<>();
    ExecutorService pool =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread thread = new Thread(r, name);
              thread.setDaemon(true);
              return thread;
            });
    try {
      for (K key : keys) {
        List<K> before = dependencies.apply(key);
        CompletableFuture<?>[] waits =
            before.stream()
                .map(k -> Objects.requireNonNull(futures.get(k), k + " must come before " + key))
                .toArray(CompletableFuture[]::new);
        futures.put(
            key,
            CompletableFuture.allOf(waits)
                .thenApplyAsync(
                    done ->
                        task.apply(key, before.stream().map(k -> futures.get(k).join()).toList()),
                    pool));
      }
      Map<K, V> results = new LinkedHashMap<>();
      RuntimeException failure = null;
      for (Map.Entry<K, CompletableFuture<V>> f : futures.entrySet()) {
        try {
          results.put(f.getKey(), f.getValue().join());
        } catch (CompletionException e) {
          failure = failure != null ? failure : unwrap(e);
        }
      }
      if (failure != null) {
        results.values().forEach(discard);
        throw failure;
      }
      return results;
    } finally {
      pool.shutdown();
    }
  }

  private static RuntimeException unwrap(CompletionException e) {
    Throwable cause = e.getCause();
    if (cause instanceof RuntimeException r) {
      return r;
    }
    if (cause instanceof Error error) {
      throw error;
    }
    return new IllegalStateException(cause == null ? e.getMessage() : cause.getMessage(), cause);
  }
}
