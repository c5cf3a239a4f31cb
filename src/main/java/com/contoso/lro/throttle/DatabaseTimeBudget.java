package com.contoso.lro.throttle;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Each caller's allowance of database time for lists and counts on one instance: statement time
 * refilled at DB_TIME_SHARE_PER_CALLER seconds per second, in bursts of up to DB_TIMEOUT_SECONDS,
 * so that a caller at rest can always run its longest statement ({@link CallerBudget}). A statement
 * is charged what it took once it ends. The number of statements in flight ({@link PerCallerLimit})
 * does not bound their cost: two statements that each sort 100,000 long texts, run back to back,
 * keep two cores busy within any count; this bounds the time instead.
 */
public final class DatabaseTimeBudget {

  private static final double NANOS_PER_SECOND = 1e9;

  private final CallerBudget seconds;

  /**
   * @param share     seconds of statement time per second each caller may use on average; 0 turns
   *                  the budget off
   * @param burst     the most statement time a caller at rest may use at once
   * @param nanoClock a monotonic clock in nanoseconds, such as {@code System::nanoTime}
   */
  public DatabaseTimeBudget(double share, Duration burst, LongSupplier nanoClock) {
    if (burst.isNegative() || burst.isZero()) {
      throw new IllegalArgumentException("the share must be at least 0 and the burst positive");
    }
    this.seconds = new CallerBudget(share, burst.toNanos() / NANOS_PER_SECOND, nanoClock);
  }

  public double share() {
    return seconds.perSecond();
  }

  /** @return 0 when the caller may start a statement; else the whole seconds, at least 1, until it may */
  public long secondsToWait(String caller) {
    return seconds.secondsToWait(caller);
  }

  /** The clock's time now, to give {@link #charge} when the statement ends. */
  public long now() {
    return seconds.now();
  }

  /** Charges the caller for a statement that started at {@code startedAt} (of {@link #now}) and has ended. */
  public void charge(String caller, long startedAt) {
    seconds.charge(caller, (seconds.now() - startedAt) / NANOS_PER_SECOND);
  }

  /**
   * Drops the buckets that are full again. Runs off the event loops, as it walks every bucket.
   *
   * @return how many were dropped
   */
  public int sweep() {
    return seconds.sweep();
  }

  /** How many callers have a bucket now. */
  int size() {
    return seconds.size();
  }
}
