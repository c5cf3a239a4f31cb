package com.contoso.lro.throttle;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The GETs held by {@code Prefer: wait} on one service instance, counted per caller and capped at
 * LONG_POLLS_PER_CALLER: each holds a timer, an event-bus consumer and its request, about 15 KB of
 * heap, so one caller's count is what bounds the heap one caller can hold. Shared by the
 * instance's API verticles, without a lock, as {@link UserThrottle} is.
 *
 * <p>A caller's counter is dropped when it falls to zero, so memory stays bounded by the callers
 * holding a long-poll now.
 */
public final class LongPolls {

  /** Marks a counter dropped from the map: whoever finds it takes a new one. */
  private static final int RETIRED = -1;

  private final ConcurrentHashMap<String, AtomicInteger> held = new ConcurrentHashMap<>();
  private final AtomicInteger total = new AtomicInteger();
  private final int perCaller;

  /** @param perCaller LONG_POLLS_PER_CALLER, at least 1 */
  public LongPolls(int perCaller) {
    this.perCaller = perCaller;
  }

  public int perCaller() {
    return perCaller;
  }

  /**
   * Takes one of the caller's long-polls; every {@code true} must be matched by exactly one
   * {@link #release}.
   *
   * @return false when the caller holds LONG_POLLS_PER_CALLER already
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

  /** Gives back a long-poll that {@link #tryAcquire} granted. */
  public void release(String caller) {
    AtomicInteger count = held.get(caller);
    if (count == null) {
      throw new IllegalStateException("a long-poll released twice");
    }
    total.decrementAndGet();
    if (count.decrementAndGet() == 0 && count.compareAndSet(0, RETIRED)) {
      held.remove(caller, count);
    }
  }

  /** The long-polls this instance holds now, for all callers. */
  public int held() {
    return total.get();
  }

  /** The long-polls {@code caller} holds now. */
  public int heldBy(String caller) {
    AtomicInteger count = held.get(caller);
    return count == null ? 0 : Math.max(0, count.get());
  }
}
