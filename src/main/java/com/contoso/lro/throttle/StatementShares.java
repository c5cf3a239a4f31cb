package com.contoso.lro.throttle;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * DB_STATEMENTS_PER_CALLER: how many list and count statements each caller (the token's oid) may
 * have in flight on one instance. Their cost follows the query options and the caller's data, so a
 * caller past its share is refused before anything is sent, rather than queued in front of others.
 * All the instance's API verticles share it, as they share {@link UserThrottle}.
 *
 * <p>A caller's share is one AtomicInteger updated by compare-and-set, so taking and giving back
 * take no lock. Memory stays bounded by the callers with statements in flight: {@link #sweep}
 * drops the counters at zero.
 */
public final class StatementShares {

  /** Marks a counter that the sweep dropped: whoever finds it looks the caller up anew. */
  private static final int RETIRED = -1;

  private final ConcurrentHashMap<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
  private final int perCaller;

  public StatementShares(int perCaller) {
    if (perCaller < 1) {
      throw new IllegalArgumentException("a caller's share must be at least one statement");
    }
    this.perCaller = perCaller;
  }

  public int perCaller() {
    return perCaller;
  }

  /**
   * Takes {@code statements} from the caller's share, all or none.
   *
   * @return the share to give back exactly once when the statements are over, or null when the
   *         caller has too many in flight already
   */
  public Share take(String caller, int statements) {
    while (true) {
      AtomicInteger count = inFlight.get(caller);
      if (count == null) {
        count = inFlight.computeIfAbsent(caller, absent -> new AtomicInteger());
      }
      int current = count.get();
      if (current == RETIRED) {
        inFlight.remove(caller, count);
        continue;
      }
      if (current + statements > perCaller) {
        return null;
      }
      if (count.compareAndSet(current, current + statements)) {
        return new Share(count, statements);
      }
    }
  }

  /**
   * Drops the counters of callers with nothing in flight. Runs off the event loops, as it walks
   * every counter.
   *
   * @return how many were dropped
   */
  public int sweep() {
    int dropped = 0;
    for (var entry : inFlight.entrySet()) {
      if (entry.getValue().compareAndSet(0, RETIRED)) {
        inFlight.remove(entry.getKey(), entry.getValue());
        dropped++;
      }
    }
    return dropped;
  }

  /** How many statements the caller has in flight now. */
  int inFlight(String caller) {
    AtomicInteger count = inFlight.get(caller);
    return count == null ? 0 : Math.max(0, count.get());
  }

  /** How many callers have a counter now. */
  int size() {
    return inFlight.size();
  }

  /** Statements taken from one caller's share; giving them back a second time does nothing. */
  public static final class Share {

    private final AtomicInteger count;
    private final int statements;
    private final AtomicBoolean given = new AtomicBoolean();

    private Share(AtomicInteger count, int statements) {
      this.count = count;
      this.statements = statements;
    }

    public void giveBack() {
      if (given.compareAndSet(false, true)) {
        count.addAndGet(-statements);
      }
    }
  }
}
