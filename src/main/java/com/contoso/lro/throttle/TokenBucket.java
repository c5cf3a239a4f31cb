package com.contoso.lro.throttle;

import java.util.concurrent.atomic.AtomicLong;

/**
 * One caller's token bucket, kept as a single number: the time at which the bucket is full again
 * (the "theoretical arrival time" of the generic cell rate algorithm, which is a token bucket
 * written this way). Taking a token pushes that time one refill interval later; a take that would
 * push it further than a full bucket's worth of intervals past now finds the bucket empty. One
 * AtomicLong updated by compare-and-set lets every event loop take from it without a lock.
 *
 * <p>Times are nanoseconds on a monotonic clock, compared by difference so that its wrap-around
 * does no harm.
 */
final class TokenBucket {

  /** What {@link #take} answers when a token was taken. */
  static final long TAKEN = 0;
  /** What {@link #take} answers for a bucket that {@link #retireIfFull} has retired. */
  static final long RETIRED = -1;

  /** Not a time: marks a bucket that the sweep dropped, so that nobody takes from it any more. */
  private static final long RETIRED_MARK = Long.MIN_VALUE;

  private final AtomicLong fullAt;

  /** A full bucket. */
  TokenBucket(long now) {
    this.fullAt = new AtomicLong(now);
  }

  /**
   * Takes one token.
   *
   * @param interval nanoseconds to refill one token (one over the rate)
   * @param capacity nanoseconds to refill the whole bucket (the burst times {@code interval})
   * @return {@link #TAKEN}; or, when the bucket is empty, the nanoseconds until it holds a token again;
   *         or {@link #RETIRED}, when the caller must look up the user's bucket anew
   */
  long take(long now, long interval, long capacity) {
    while (true) {
      long current = fullAt.get();
      if (current == RETIRED_MARK) {
        return RETIRED;
      }
      long next = (current - now > 0 ? current : now) + interval;
      long wait = next - now - capacity;
      if (wait > 0) {
        return wait;
      }
      if (fullAt.compareAndSet(current, next)) {
        return TAKEN;
      }
    }
  }

  /**
   * How far the bucket is past empty, without taking from it: 0 when it holds anything.
   *
   * @return nanoseconds until it holds something again, 0, or {@link #RETIRED}
   */
  long overdraft(long now, long capacity) {
    long current = fullAt.get();
    if (current == RETIRED_MARK) {
      return RETIRED;
    }
    return Math.max(0, current - now - capacity);
  }

  /**
   * Takes {@code amount} nanoseconds of refill unconditionally, for work already done: the bucket may
   * go past empty, and then stays empty until it has refilled what it owes.
   *
   * @return whether it was taken; false for a retired bucket
   */
  boolean charge(long now, long amount) {
    while (true) {
      long current = fullAt.get();
      if (current == RETIRED_MARK) {
        return false;
      }
      if (fullAt.compareAndSet(current, (current - now > 0 ? current : now) + amount)) {
        return true;
      }
    }
  }

  /**
   * Retires this bucket if it is full: a full bucket answers exactly as a new one would, so it can
   * be dropped without anyone gaining or losing a token, provided nobody takes from it afterwards.
   *
   * @return whether it was retired
   */
  boolean retireIfFull(long now) {
    long current = fullAt.get();
    return current != RETIRED_MARK && current - now <= 0 && fullAt.compareAndSet(current, RETIRED_MARK);
  }
}
