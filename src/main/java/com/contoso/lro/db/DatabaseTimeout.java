package com.contoso.lro.db;

import io.vertx.core.Future;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * DB_TIMEOUT_SECONDS: how long a request waits for its database work before it is answered 503.
 * statement_timeout cancels a slow statement on the server; this bound also covers what the server
 * cannot see, such as a connection whose packets no longer arrive.
 */
public final class DatabaseTimeout {

  private final Duration limit;

  public DatabaseTimeout(Duration limit) {
    this.limit = limit;
  }

  /**
   * {@code work}, or a failure with {@link Exceeded} once the limit has passed. The work itself goes
   * on: a write may still commit, as after any timeout; Idempotency-Key makes the retry safe.
   */
  public <T> Future<T> bound(Future<T> work) {
    return work.timeout(limit.toMillis(), TimeUnit.MILLISECONDS)
      .recover(failure -> Future.failedFuture(failure instanceof TimeoutException ? new Exceeded(limit) : failure));
  }

  /** The database did not answer within DB_TIMEOUT_SECONDS. */
  public static final class Exceeded extends RuntimeException {

    public Exceeded(Duration limit) {
      super("the database did not answer within " + limit.toSeconds() + " s", null, false, false);
    }
  }
}
