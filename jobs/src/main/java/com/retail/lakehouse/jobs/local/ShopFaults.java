package com.retail.lakehouse.jobs.local;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The faults the simulated shop API can be switched to answer with, so that tests can force each
 * one: {@link #failNext}, {@link #rateLimitNext}, {@link #delayNext}, {@link #corruptNextPage},
 * {@link #requireToken}, {@link #redirectNextTo}; {@link #randomFaults} and {@link
 * #rateLimitPerSecond} make it behave like a real API under load. It also records every request.
 */
public final class ShopFaults {
  // Fault switches, all guarded by this.
  private String requiredToken;
  private int rateLimitTimes;
  private int retryAfterSeconds;
  private int failTimes;
  private int failStatus;
  private int delayTimes;
  private Duration delay = Duration.ZERO;
  private boolean corruptNext;
  private double randomFaultRate;
  private Random faultRandom = new Random(0);
  private int perSecondLimit;
  private long windowSecond = -1;
  private int windowCount;
  private final List<String> requests = new ArrayList<>();
  private String redirectTo;
  private int redirectTimes;

  /** Requests without {@code Authorization: Bearer <token>} get 401 from now on (null: none). */
  public synchronized ShopFaults requireToken(String token) {
    this.requiredToken = token;
    return this;
  }

  /** The next {@code times} requests get {@code status} (a 5xx, say) with a JSON error body. */
  public synchronized ShopFaults failNext(int status, int times) {
    this.failStatus = status;
    this.failTimes = times;
    return this;
  }

  /** The next {@code times} requests get 429 with {@code Retry-After: retryAfterSeconds}. */
  public synchronized ShopFaults rateLimitNext(int times, int retryAfterSeconds) {
    this.rateLimitTimes = times;
    this.retryAfterSeconds = retryAfterSeconds;
    return this;
  }

  /** The next request is answered only after {@code delay} (then normally). */
  public ShopFaults delayNext(Duration delay) {
    return delayNext(delay, 1);
  }

  /** The next {@code times} requests are answered only after {@code delay} (then normally). */
  public synchronized ShopFaults delayNext(Duration delay, int times) {
    this.delay = delay;
    this.delayTimes = times;
    return this;
  }

  /** The next page is served with status 200 but an HTML body instead of JSON. */
  public synchronized ShopFaults corruptNextPage() {
    this.corruptNext = true;
    return this;
  }

  /**
   * Each request fails at random with this probability: a 500, a 503 or a response slowed by 1 to 3
   * seconds, a third of the time each. The draws come from {@code seed}.
   */
  public synchronized ShopFaults randomFaults(double rate, long seed) {
    this.randomFaultRate = rate;
    this.faultRandom = new Random(seed);
    return this;
  }

  /** More than {@code limit} requests in one wall-clock second get 429 (0: no limit). */
  public synchronized ShopFaults rateLimitPerSecond(int limit) {
    this.perSecondLimit = limit;
    return this;
  }

  /** The next {@code times} requests get 302 with {@code Location: location}. */
  public synchronized ShopFaults redirectNextTo(String location, int times) {
    this.redirectTo = location;
    this.redirectTimes = times;
    return this;
  }

  /** The requests received so far (path and query), in order. */
  public synchronized List<String> requests() {
    return List.copyOf(requests);
  }

  /** What to do with one request, decided under the lock and carried out outside it. */
  record Action(int status, int retryAfter, Duration delay, boolean corrupt, String location) {
    Action(int status, int retryAfter, Duration delay, boolean corrupt) {
      this(status, retryAfter, delay, corrupt, null);
    }
  }

  synchronized Action decide(String uri, String authorization) {
    requests.add(uri);
    if (requiredToken != null && !("Bearer " + requiredToken).equals(authorization)) {
      return new Action(401, 0, Duration.ZERO, false);
    }
    if (redirectTimes > 0) {
      redirectTimes--;
      return new Action(302, 0, Duration.ZERO, false, redirectTo);
    }
    if (rateLimitTimes > 0) {
      rateLimitTimes--;
      return new Action(429, retryAfterSeconds, Duration.ZERO, false);
    }
    if (perSecondLimit > 0) {
      long second = System.currentTimeMillis() / 1000;
      windowCount = second == windowSecond ? windowCount + 1 : 1;
      windowSecond = second;
      if (windowCount > perSecondLimit) {
        return new Action(429, 1, Duration.ZERO, false);
      }
    }
    if (failTimes > 0) {
      failTimes--;
      return new Action(failStatus, 0, Duration.ZERO, false);
    }
    Duration wait = Duration.ZERO;
    if (delayTimes > 0) {
      delayTimes--;
      wait = delay;
    }
    if (randomFaultRate > 0 && faultRandom.nextDouble() < randomFaultRate) {
      switch (faultRandom.nextInt(3)) {
        case 0:
          return new Action(500, 0, Duration.ZERO, false);
        case 1:
          return new Action(503, 0, Duration.ZERO, false);
        default:
          wait = wait.plusMillis(1000 + faultRandom.nextInt(2000));
      }
    }
    boolean corrupt = corruptNext;
    corruptNext = false;
    return new Action(200, 0, wait, corrupt);
  }
}
