package com.contoso.lro.throttle;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What each caller holds at once on one service instance, counted per caller and capped: the GETs
 * held by {@code Prefer: wait} (LONG_POLLS_PER_CALLER; each holds a timer, an event-bus consumer
 * and its request, about 15 KB of heap), and the large pages being sent (each holds its rendered
 * body until the client has read it). Shared by the instance's API verticles, without a lock, as
 * {@link UserThrottle} is.
 *
 * <p>A caller's counter is dropped when it falls to zero, so memory stays bounded by the callers
 * holding something now.
 */
public final class PerCallerLimit {

  /** Marks a counter dropped from the map: whoever finds it takes a new one. */
  private static final int RETIRED = -1;

  private final ConcurrentHashMap<String, AtomicInteger> held = new ConcurrentHashMap<>();
  private final AtomicInteger total = new AtomicInteger();
  private final int perCaller;

  /** @param perCaller how many one caller may hold at once, at least 1 */
  public PerCallerLimit(int perCaller) {
    this.perCaller = perCaller;
  }

  public int perCaller() {
    return perCaller;
  }

  /**
   * Takes one of the caller's places; every {@code true} must be matched by exactly one
   * {@link #release}.
   *
   * @return false when the caller holds {@code perCaller} already
   */
  public boolean tryAcquire(String caller) {
    while (true) {
      AtomicInteger count = held.computeIfAbsent(caller, absent -> new AtomicInteger());
      int now = count.get();
      if (now == RETIRED) {
        held.remove(caller, count);
        continue;
      }
      if (now >= perCaller) {
        return false;
      }
      if (count.compareAndSet(now, now + 1)) {
        total.incrementAndGet();
        return true;
      }
    }
  }

  /** Gives back a place that {@link #tryAcquire} granted. */
  public void release(String caller) {
    AtomicInteger count = held.get(caller);
    if (count == null) {
      throw new IllegalStateException("a place released twice");
    }
    total.decrementAndGet();
    if (count.decrementAndGet() == 0 && count.compareAndSet(0, RETIRED)) {
      held.remove(caller, count);
    }
  }

  /** The places taken on this instance now, by all callers. */
  public int held() {
    return total.get();
  }

  /** The places {@code caller} holds now. */
  public int heldBy(String caller) {
    AtomicInteger count = held.get(caller);
    return count == null ? 0 : Math.max(0, count.get());
  }
}
