package com.contoso.lro.throttle;

/**
 * What bounds one caller on one service instance, made once per instance and shared by its API
 * verticles: requests per second, list and count statements in flight and their database time,
 * long-polls held, and the bytes of list pages sent and the large ones being sent.
 */
public record CallerLimits(UserThrottle requests, PerCallerLimit statements, DatabaseTimeBudget databaseTime,
                           PerCallerLimit longPolls, CallerBudget pageBytes, PerCallerLimit largePages) {

  /** Drops the buckets of callers at rest. Runs off the event loops, as it walks every caller's. */
  public void sweep() {
    requests.sweep();
    databaseTime.sweep();
    pageBytes.sweep();
  }
}
