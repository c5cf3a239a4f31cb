package com.contoso.lro.throttle;

import java.util.concurrent.ConcurrentHashMap;

/**
 * One {@link TokenBucket} per caller, made on first use and dropped by {@link #sweep} once full
 * again, when it answers as a new one would: memory stays bounded by the callers seen lately.
 */
final class CallerBuckets {

  private final ConcurrentHashMap<String, TokenBucket> buckets = new ConcurrentHashMap<>();

  /** The caller's bucket, or null when it has none (a full one). */
  TokenBucket find(String caller) {
    return buckets.get(caller);
  }

  /** The caller's bucket, a full one made at {@code now} if it has none. */
  TokenBucket of(String caller, long now) {
    TokenBucket bucket = buckets.get(caller);
    return bucket != null ? bucket : buckets.computeIfAbsent(caller, absent -> new TokenBucket(now));
  }

  /** Forgets a bucket the sweep retired between a caller's look-up and its use. */
  void retired(String caller, TokenBucket bucket) {
    buckets.remove(caller, bucket);
  }

  /** Drops the buckets that are full at {@code now}; walks every bucket, so off the event loops. */
  int sweep(long now) {
    int dropped = 0;
    for (var entry : buckets.entrySet()) {
      if (entry.getValue().retireIfFull(now)) {
        buckets.remove(entry.getKey(), entry.getValue());
        dropped++;
      }
    }
    return dropped;
  }

  int size() {
    return buckets.size();
  }
}
