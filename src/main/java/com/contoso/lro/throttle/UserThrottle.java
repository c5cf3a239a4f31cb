package com.contoso.lro.throttle;

import com.contoso.lro.config.AppConfig.ThrottleConfig;

import java.util.function.LongSupplier;

/**
 * Per-caller rate limits of one service instance: a token bucket per caller, holding
 * THROTTLE_BURST tokens and refilled at THROTTLE_RATE_PER_SECOND. All the instance's API verticles
 * share it, so the configured rate is what a caller gets from the instance, whichever event loop
 * serves each request; several instances each allow it in full (nothing is shared through the
 * database on this path).
 *
 * <p>Memory stays bounded by the callers seen lately: {@link #sweep} drops the buckets that have
 * filled up again, which answer as a new bucket would.
 */
public final class UserThrottle {

  /**
   * How often {@link #sweep} should run: the buckets kept are those of the callers seen in about the
   * last five seconds, plus those still refilling.
   */
  public static final long SWEEP_INTERVAL_MILLIS = 5_000;

  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private final CallerBuckets buckets = new CallerBuckets();
  private final ThrottleConfig config;
  private final long interval;
  private final long capacity;
  private final LongSupplier nanoClock;

  /** @param nanoClock a monotonic clock in nanoseconds, such as {@code System::nanoTime} */
  public UserThrottle(ThrottleConfig config, LongSupplier nanoClock) {
    this.config = config;
    this.interval = config.enabled() ? Math.max(1, Math.round(NANOS_PER_SECOND / config.ratePerSecond())) : 0;
    this.capacity = interval * config.burst();
    this.nanoClock = nanoClock;
  }

  public ThrottleConfig config() {
    return config;
  }

  /**
   * Takes one request from the caller's allowance.
   *
   * @param caller whom the bucket belongs to
   * @return 0 when the request may go on; else the whole seconds, at least 1, until the caller's
   *         next request would be served
   */
  public long secondsToWait(String caller) {
    if (!config.enabled()) {
      return 0;
    }
    long now = nanoClock.getAsLong();
    while (true) {
      TokenBucket bucket = buckets.of(caller, now);
      long wait = bucket.take(now, interval, capacity);
      if (wait == TokenBucket.TAKEN) {
        return 0;
      }
      if (wait != TokenBucket.RETIRED) {
        return Math.max(1, (wait + NANOS_PER_SECOND - 1) / NANOS_PER_SECOND);
      }
      // The sweep retired this bucket between its check and its removal: remove it ourselves.
      buckets.retired(caller, bucket);
    }
  }

  /**
   * Drops the buckets that are full again. Runs off the event loops, as it walks every bucket.
   *
   * @return how many were dropped
   */
  public int sweep() {
    return buckets.sweep(nanoClock.getAsLong());
  }

  /** How many callers have a bucket now. */
  int size() {
    return buckets.size();
  }
}
