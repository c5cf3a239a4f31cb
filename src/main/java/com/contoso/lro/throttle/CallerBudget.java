package com.contoso.lro.throttle;

import java.util.function.LongSupplier;

/**
 * Each caller's allowance of one cost on one instance (database time, bytes sent): a bucket refilled
 * at a rate per second and holding at most a burst. Work is charged what it cost once that is known,
 * so a bucket may go past empty; a caller past empty is refused (429) until it has refilled what it
 * owes. A count of work in flight does not bound its cost; this does, whatever one piece costs.
 *
 * <p>Shared by the instance's API verticles, as {@link UserThrottle} is, and swept the same way.
 */
public final class CallerBudget {

  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private final CallerBuckets buckets = new CallerBuckets();
  private final double perSecond;
  private final long capacity;
  private final LongSupplier nanoClock;

  /**
   * @param perSecond how much each caller may spend per second on average; 0 turns the budget off
   * @param burst     the most a caller at rest may spend at once, in the same unit
   * @param nanoClock a monotonic clock in nanoseconds, such as {@code System::nanoTime}
   */
  public CallerBudget(double perSecond, double burst, LongSupplier nanoClock) {
    if (!(perSecond >= 0) || perSecond > 0 && !(burst > 0)) {
      throw new IllegalArgumentException("the rate must be at least 0 and the burst positive");
    }
    this.perSecond = perSecond;
    this.capacity = perSecond == 0 ? 0 : refill(burst);
    this.nanoClock = nanoClock;
  }

  public double perSecond() {
    return perSecond;
  }

  /** @return 0 when the caller may start more work; else the whole seconds, at least 1, until it may */
  public long secondsToWait(String caller) {
    if (perSecond == 0) {
      return 0;
    }
    TokenBucket bucket = buckets.find(caller);
    if (bucket == null) {
      return 0;
    }
    long owed = bucket.overdraft(nanoClock.getAsLong(), capacity);
    return owed <= 0 ? 0 : Math.max(1, (owed + NANOS_PER_SECOND - 1) / NANOS_PER_SECOND);
  }

  /** Charges the caller {@code cost}, for work done or about to be: past empty if need be. */
  public void charge(String caller, double cost) {
    if (perSecond == 0 || !(cost > 0)) {
      return;
    }
    long now = nanoClock.getAsLong();
    long owed = refill(cost);
    while (true) {
      TokenBucket bucket = buckets.of(caller, now);
      if (bucket.charge(now, owed)) {
        return;
      }
      // The sweep retired this bucket between its look-up and its charge: remove it ourselves.
      buckets.retired(caller, bucket);
    }
  }

  /** The clock's time now. */
  long now() {
    return nanoClock.getAsLong();
  }

  /** Nanoseconds for the bucket to refill {@code cost}. */
  private long refill(double cost) {
    return Math.round(cost / perSecond * NANOS_PER_SECOND);
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
