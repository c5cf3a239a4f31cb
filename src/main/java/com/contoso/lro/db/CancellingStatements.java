package com.contoso.lro.db;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;

import java.time.Duration;
import java.util.function.Function;

/**
 * Runs the statements whose cost follows the query options and the caller's data (lists and
 * counts) on connections of their own, one statement per connection at a time, so that no get,
 * create or update waits in a pipeline behind one of them. Once DB_TIMEOUT_SECONDS have passed,
 * the statement is cancelled on the server (a CancelRequest, as psql's Ctrl-C sends) and its
 * connection goes back to the pool; a statement still waiting for a connection then is never sent.
 * PostgreSQL's statement_timeout stays the backstop for a cancel that does not arrive.
 */
public final class CancellingStatements {

  private final Vertx vertx;
  private final Pool pool;
  private final Duration limit;

  /** @param pool whose connection timeout is at most {@code limit}, so that a waiter leaves its queue in time */
  public CancellingStatements(Vertx vertx, Pool pool, Duration limit) {
    this.vertx = vertx;
    this.pool = pool;
    this.limit = limit;
  }

  /**
   * The statement's result, or a failure with {@link DatabaseTimeout.Exceeded} once the limit has
   * passed since this call, by which time the statement has been cancelled or was never sent.
   */
  public <T> Future<T> run(Function<SqlConnection, Future<T>> statement) {
    long deadline = System.nanoTime() + limit.toNanos();
    return pool.getConnection().compose(connection -> {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        connection.close();
        return Future.failedFuture(new DatabaseTimeout.Exceeded(limit));
      }
      Promise<T> answer = Promise.promise();
      Future<T> running = Future.<Void>succeededFuture().compose(start -> statement.apply(connection));
      long timer = vertx.setTimer(Math.max(1, left / 1_000_000), expired -> {
        if (answer.tryFail(new DatabaseTimeout.Exceeded(limit))) {
          // The connection goes back only once the statement has ended and the cancel has been
          // delivered: a cancel that arrived late would hit the next statement on the connection.
          Future<Void> cancelled = PgConnection.cast(connection).cancelRequest();
          Future.join(running, cancelled).onComplete(ended -> connection.close());
        }
      });
      running.onComplete(result -> {
        vertx.cancelTimer(timer);
        if (result.succeeded() ? answer.tryComplete(result.result()) : answer.tryFail(result.cause())) {
          connection.close();
        }
      });
      return answer.future();
    });
  }
}
