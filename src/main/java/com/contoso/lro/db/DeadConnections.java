package com.contoso.lro.db;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A statement that met a pooled connection whose session the server had already ended goes again,
 * once, on a fresh connection, rather than fail a request that another connection can serve: a
 * read whenever its session ended under it (reading twice changes nothing), a write only when the
 * client library failed it without sending any of it ({@link DatabaseErrors#neverSent}). A write
 * that may have reached the server is not repeated: it answers 503, and Idempotency-Key makes the
 * client's own retry safe.
 *
 * <p>The pool learns that a connection closed only after it has failed the statements in flight on
 * it, within the same event; so the statement goes again from a later task on the caller's event
 * loop, when the pool no longer holds the dead connection. (Within that event the pool may still
 * hand the dead connection to a statement waiting for one; vertx-sql-client 5.0.7 then fails it,
 * unsent, with the same error as those sent, so such a write answers 503.) Nor is a statement
 * sent again once DB_TIMEOUT_SECONDS have passed since it was first asked for: its request has
 * been answered 503 by then, and a client that retried must not find a write stored after all.
 */
public final class DeadConnections {

  private final Context context;
  private final Duration limit;

  /** @param context the event loop whose statements these are; {@code limit} DB_TIMEOUT_SECONDS */
  public DeadConnections(Context context, Duration limit) {
    this.context = context;
    this.limit = limit;
  }

  /** A statement that only reads: sent again once if its session ended under it. */
  public <T> Future<T> read(Supplier<Future<T>> statement) {
    return once(statement, DatabaseErrors::sessionEnded);
  }

  /** A statement that writes: sent again once only if it never left. */
  public <T> Future<T> write(Supplier<Future<T>> statement) {
    return once(statement, DatabaseErrors::neverSent);
  }

  private <T> Future<T> once(Supplier<Future<T>> statement, Predicate<Throwable> again) {
    long asked = System.nanoTime();
    return statement.get().recover(failure -> {
      if (!again.test(failure) || System.nanoTime() - asked >= limit.toNanos()) {
        return Future.failedFuture(failure);
      }
      Promise<T> resent = Promise.promise();
      context.runOnContext(later -> statement.get().onComplete(resent));
      return resent.future();
    });
  }
}
