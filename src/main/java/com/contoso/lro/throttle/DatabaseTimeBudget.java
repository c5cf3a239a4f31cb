package com.contoso.lro.throttle;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Each caller's allowance of database time for lists and counts on one instance: a bucket of
 * statement time refilled at DB_TIME_SHARE_PER_CALLER seconds per second and holding at most
 * DB_TIMEOUT_SECONDS, so that a caller at rest can always run its longest statement. A statement is
 * charged what it took once it ends; a caller whose bucket is past empty is refused (429) until
 * it has refilled what it owes. The number of statements in flight ({@link PerCallerLimit}) does not
 * bound their cost: two statements that each sort 100,000 long texts, run back to back, keep two
 * cores busy within any count; this bounds the time instead, whatever one statement costs.
 *
 * <p>Shared by the instance's API verticles, as {@link UserThrottle} is, and swept the same way.
 */
public final class DatabaseTimeBudget {

  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private final CallerBuckets buckets = new CallerBuckets();
  private final double share;
  private final long capacity;
  private final LongSupplier nanoClock;

  /**
   * @param share     seconds of statement time per second each caller may use on average; 0 turns
   *                  the budget off
   * @param burst     the most statement time a caller at rest may use at once
   * @param nanoClock a monotonic clock in nanoseconds, such as {@code System::nanoTime}
   */
  public DatabaseTimeBudget(double share, Duration burst, LongSupplier nanoClock) {
    if (!(share >= 0) || burst.isNegative() || burst.isZero()) {
      throw new IllegalArgumentException("the share must be at least 0 and the burst positive");
    }
    this.share = share;
    this.capacity = share == 0 ? 0 : Math.round(burst.toNanos() / share);
    this.nanoClock = nanoClock;
  }

  public double share() {
    return share;
  }

  /** @return 0 when the caller may start a statement; else the whole seconds, at least 1, until it may */
  public long secondsToWait(String caller) {
    if (share == 0) {
      return 0;
    }
    TokenBucket bucket = buckets.find(caller);
    if (bucket == null) {
      return 0;
    }
    long owed = bucket.overdraft(nanoClock.getAsLong(), capacity);
    return owed <= 0 ? 0 : Math.max(1, (owed + NANOS_PER_SECOND - 1) / NANOS_PER_SECOND);
  }

  /** The clock's time now, to give {@link #charge} when the statement ends. */
  public long now() {
    return nanoClock.getAsLong();
  }

  /** Charges the caller for a statement that started at {@code startedAt} (of {@link #now}) and has ended. */
  public void charge(String caller, long startedAt) {
    if (share == 0) {
      return;
    }
    long now = nanoClock.getAsLong();
    long owed = Math.round((now - startedAt) / share);
    while (true) {
      TokenBucket bucket = buckets.of(caller, now);
      if (bucket.charge(now, owed)) {
        return;
      }
      // The sweep retired this bucket between its look-up and its charge: remove it ourselves.
      buckets.retired(caller, bucket);
    }
  }

  /**
   * Drops the buckets that are full again, which answer as no bucket does. Runs off the event loops,
   * as it walks every bucket.
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
