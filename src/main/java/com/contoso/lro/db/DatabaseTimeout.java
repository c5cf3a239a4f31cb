package com.contoso.lro.db;

import io.vertx.core.Future;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.FutureInternal;
import io.vertx.core.internal.PromiseInternal;

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
   * {@code work}, or a failure with {@link Exceeded} once the limit has passed, either answered on the
   * context that called this (the request's event loop). The work itself goes on: a write may still
   * commit, as after any timeout; Idempotency-Key makes the retry safe.
   */
  public <T> Future<T> bound(Future<T> work) {
    return onCaller(work).timeout(limit.toMillis(), TimeUnit.MILLISECONDS)
      .recover(failure -> Future.failedFuture(failure instanceof TimeoutException ? new Exceeded(limit) : failure));
  }

  /**
   * Every call's answer is written on its connection's event loop, which strict thread mode
   * (ServerOptions) requires: a future of no context, such as a plain Promise's, would otherwise
   * answer on whichever thread completes it, and its timeout would fire on Netty's global executor.
   */
  private static <T> Future<T> onCaller(Future<T> work) {
    ContextInternal caller = ContextInternal.current();
    ContextInternal own = work instanceof FutureInternal<T> bound ? bound.context() : null;
    if (caller == null || work.isComplete() || (own != null && own.unwrap() == caller.unwrap())) {
      return work;
    }
    PromiseInternal<T> answer = caller.promise();
    work.onComplete(answer);
    return answer.future();
  }

  /** The database did not answer within DB_TIMEOUT_SECONDS. */
  public static final class Exceeded extends RuntimeException {

    public Exceeded(Duration limit) {
      super("the database did not answer within " + limit.toSeconds() + " s", null, false, false);
    }
  }
}
