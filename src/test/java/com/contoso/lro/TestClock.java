package com.contoso.lro;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A monotonic clock in nanoseconds for the service under test: System.nanoTime() plus however far
 * the test has moved it on, so that a test waits out an interval by saying so rather than sleeping.
 */
public final class TestClock implements LongSupplier {

  private final AtomicLong ahead = new AtomicLong();

  @Override
  public long getAsLong() {
    return System.nanoTime() + ahead.get();
  }

  /** Moves the clock on by {@code interval}, at once, for every reader. */
  public void advance(Duration interval) {
    ahead.addAndGet(interval.toNanos());
  }
}
