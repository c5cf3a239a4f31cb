package com.contoso.lro.db;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
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
  private final DeadConnections dead;

  /**
   * @param pool whose connection timeout, a backstop, is longer than {@code limit}
   * @param dead what leases a connection again for a statement whose session ended under it
   */
  public CancellingStatements(Vertx vertx, Pool pool, Duration limit, DeadConnections dead) {
    this.vertx = vertx;
    this.pool = pool;
    this.limit = limit;
    this.dead = dead;
  }

  /**
   * The statement's result, or a failure with {@link DatabaseTimeout.Exceeded} once the limit has
   * passed since this call, by which time the statement has been cancelled or was never sent. Every
   * statement here only reads: one whose session ended under it runs again on another connection.
   */
  public <T> Future<T> run(Function<SqlConnection, Future<T>> statement) {
    // The answer is the caller's context's: a plain Promise would carry none, and a timeout set on
    // it later (DatabaseTimeout) fired on Netty's global executor, which wrote the 503 off the
    // connection's event loop (lost under strict thread mode).
    ContextInternal caller = ContextInternal.current();
    Attempt<T> attempt = new Attempt<>(statement, caller == null ? Promise.promise() : caller.promise());
    // Set before the connection is asked for: it decides before the pool's own, longer, timeout.
    attempt.timer = vertx.setTimer(limit.toMillis(), expired -> attempt.expire());
    dead.read(attempt::send).onComplete(attempt::ended);
    return attempt.answer.future();
  }

  /** One statement's way, on the caller's event loop: leased and sent (twice at most), ended or expired. */
  private final class Attempt<T> {

    private final Function<SqlConnection, Future<T>> statement;
    private final Promise<T> answer;
    private long timer;
    private SqlConnection connection;
    private Future<T> running;

    private Attempt(Function<SqlConnection, Future<T>> statement, Promise<T> answer) {
      this.statement = statement;
      this.answer = answer;
    }

    /** Leases a connection and runs the statement on it; the connection goes back once it has ended. */
    private Future<T> send() {
      if (answer.future().isComplete()) {
        return Future.failedFuture(new DatabaseTimeout.Exceeded(limit));
      }
      return pool.getConnection().compose(leased -> {
        if (answer.future().isComplete()) {
          // The deadline passed while it waited for the connection: never sent.
          leased.close();
          return Future.failedFuture(new DatabaseTimeout.Exceeded(limit));
        }
        connection = leased;
        running = Future.<Void>succeededFuture().compose(start -> statement.apply(leased));
        return running.andThen(ended -> {
          if (!answer.future().isComplete()) {
            // Otherwise expire() gives the connection back once its cancel has been delivered.
            leased.close();
          }
        });
      });
    }

    private void ended(AsyncResult<T> result) {
      vertx.cancelTimer(timer);
      if (result.succeeded()) {
        answer.tryComplete(result.result());
      } else {
        answer.tryFail(result.cause());
      }
    }

    private void expire() {
      if (!answer.tryFail(new DatabaseTimeout.Exceeded(limit)) || running == null || running.isComplete()) {
        return;
      }
      // The connection goes back only once the statement has ended and the cancel has been
      // delivered: a cancel that arrived later would hit the next statement on the connection.
      SqlConnection cancelling = connection;
      Future<Void> cancelled = PgConnection.cast(cancelling).cancelRequest();
      Future.join(running, cancelled).onComplete(ended -> cancelling.close());
    }
  }
}
