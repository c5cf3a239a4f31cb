package com.contoso.lro.operations;

import com.contoso.lro.db.DatabaseTimeout;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.internal.ContextInternal;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Writes that arrive together are committed together. While fewer than {@code maxInFlight}
 * statements are in flight a write goes at once, alone; past that, writes wait for one to come
 * back and then leave as one statement of up to {@code maxGroup} rows, in one transaction.
 * PostgreSQL's cost of a row written alone is mostly its statement and commit, so a group of n
 * costs far less than n alone (bench/README.md#creates-committed-in-groups). No write waits on a
 * timer: at low load every write goes alone.
 *
 * <p>Each write completes only once its own row is committed, as a write alone does. A group that
 * fails for its rows ({@code retryAlone}: a row's constraint or data, or a deadlock with another
 * group) is written again row by row, holding its place in flight, so that a row's failure is its
 * own request's alone; any other failure (the connection, a timeout) is every row's.
 *
 * <p>A write that has waited {@code maxWait} (DB_TIMEOUT_SECONDS) leaves unsent, failed with
 * {@link DatabaseTimeout.Exceeded}: its request has been answered 503 by then, and a client that
 * retried must not find the first attempt stored after all. So the rows waiting are those of the
 * last {@code maxWait} at most, however long the statements in flight hang.
 *
 * <p>Confined to one event loop, {@code context}'s, on which writes complete: a later step such as
 * DatabaseTimeout's timer then runs on that loop too.
 */
final class CommitGroups<T> {

  private record Waiting<T>(T row, Promise<Void> committed, long since) {
  }

  private final ContextInternal context;
  private final Duration maxWait;
  private final int maxInFlight;
  private final int maxGroup;
  private final Function<T, Future<?>> writeOne;
  private final Function<List<T>, Future<?>> writeMany;
  private final Predicate<Throwable> retryAlone;
  private final ArrayDeque<Waiting<T>> waiting = new ArrayDeque<>();
  private int inFlight;

  CommitGroups(Context context, Duration maxWait, int maxInFlight, int maxGroup, Function<T, Future<?>> writeOne,
                      Function<List<T>, Future<?>> writeMany, Predicate<Throwable> retryAlone) {
    this.context = (ContextInternal) context;
    this.maxWait = maxWait;
    this.maxInFlight = maxInFlight;
    this.maxGroup = maxGroup;
    this.writeOne = writeOne;
    this.writeMany = writeMany;
    this.retryAlone = retryAlone;
  }

  /** Completes, on this group's event loop, once this row is committed. */
  Future<Void> write(T row) {
    Promise<Void> committed = context.promise();
    waiting.add(new Waiting<>(row, committed, System.nanoTime()));
    sendWaiting();
    return committed.future();
  }

  private void sendWaiting() {
    dropExpired();
    while (inFlight < maxInFlight && !waiting.isEmpty()) {
      List<Waiting<T>> group = new ArrayList<>(Math.min(waiting.size(), maxGroup));
      while (group.size() < maxGroup && !waiting.isEmpty()) {
        group.add(waiting.poll());
      }
      inFlight++;
      send(group).onComplete(done -> {
        inFlight--;
        sendWaiting();
      });
    }
  }

  private void dropExpired() {
    long now = System.nanoTime();
    while (!waiting.isEmpty() && now - waiting.peek().since() >= maxWait.toNanos()) {
      waiting.poll().committed().fail(new DatabaseTimeout.Exceeded(maxWait));
    }
  }

  private Future<?> send(List<Waiting<T>> group) {
    if (group.size() == 1) {
      return writeAlone(group.get(0));
    }
    return writeMany.apply(group.stream().map(Waiting::row).toList())
      .transform(written -> {
        if (written.succeeded()) {
          group.forEach(each -> each.committed().complete());
          return Future.succeededFuture();
        }
        if (retryAlone.test(written.cause())) {
          return Future.join(group.stream().map(this::writeAlone).toList());
        }
        group.forEach(each -> each.committed().fail(written.cause()));
        return Future.succeededFuture();
      });
  }

  private Future<Void> writeAlone(Waiting<T> waiting) {
    return writeOne.apply(waiting.row()).<Void>mapEmpty().onComplete(waiting.committed());
  }
}
