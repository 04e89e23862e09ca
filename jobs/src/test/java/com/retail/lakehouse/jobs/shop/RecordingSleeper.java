package com.retail.lakehouse.jobs.shop;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A sleeper that records the waits asked of it and returns at once. */
final class RecordingSleeper implements OrdersApiClient.Sleeper {
  private final List<Duration> waits = new ArrayList<>();

  @Override
  public synchronized void sleep(Duration duration) {
    waits.add(duration);
  }

  synchronized List<Duration> waits() {
    return List.copyOf(waits);
  }
}
