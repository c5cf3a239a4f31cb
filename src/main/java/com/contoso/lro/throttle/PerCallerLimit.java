package com.contoso.lro.throttle;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What each caller (the token's oid) holds at once on one service instance, counted per caller and
 * capped: its list and count statements in flight (DB_STATEMENTS_PER_CALLER), its GETs held by
 * {@code Prefer: wait} (LONG_POLLS_PER_CALLER) and its large pages being sent. Past the cap the
 * caller is refused before the work starts rather than queued in front of others. Shared by the
 * instance's API verticles, as {@link UserThrottle} is.
 *
 * <p>A caller's count is one AtomicInteger changed by compare-and-set, so taking and giving back
 * take no lock; it is dropped from the map when it falls to zero, so memory stays bounded by the
 * callers that hold something now.
 */
public final class PerCallerLimit {

  /** Marks a counter dropped from the map: whoever finds it takes a new one. */
  private static final int RETIRED = -1;

  private final ConcurrentHashMap<String, AtomicInteger> held = new ConcurrentHashMap<>();
  private final AtomicInteger total = new AtomicInteger();
  private final int perCaller;

  /** @param perCaller how many places one caller may hold at once, at least 1 */
  public PerCallerLimit(int perCaller) {
    if (perCaller < 1) {
      throw new IllegalArgumentException("a caller must be allowed at least one place");
    }
    this.perCaller = perCaller;
  }

  public int perCaller() {
    return perCaller;
  }

  /** One place, as {@link #take(String, int)}. */
  public Held take(String caller) {
    return take(caller, 1);
  }

  /**
   * Takes {@code places} of the caller's, all or none.
   *
   * @return what to give back exactly once when the work is over, or null when the caller would
   *         hold more than {@link #perCaller()}
   */
  public Held take(String caller, int places) {
    while (true) {
      AtomicInteger count = held.computeIfAbsent(caller, absent -> new AtomicInteger());
      int now = count.get();
      if (now == RETIRED) {
        held.remove(caller, count);
        continue;
      }
      if (now + places > perCaller) {
        return null;
      }
      if (count.compareAndSet(now, now + places)) {
        total.addAndGet(places);
        return new Held(caller, count, places);
      }
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

  /** How many callers have a counter now. */
  int callers() {
    return held.size();
  }

  /** Places taken by one caller; giving them back a second time does nothing. */
  public final class Held {

    private final String caller;
    private final AtomicInteger count;
    private final int places;
    private final AtomicBoolean given = new AtomicBoolean();

    private Held(String caller, AtomicInteger count, int places) {
      this.caller = caller;
      this.count = count;
      this.places = places;
    }

    public void release() {
      if (!given.compareAndSet(false, true)) {
        return;
      }
      total.addAndGet(-places);
      if (count.addAndGet(-places) == 0 && count.compareAndSet(0, RETIRED)) {
        held.remove(caller, count);
      }
    }
  }
}
