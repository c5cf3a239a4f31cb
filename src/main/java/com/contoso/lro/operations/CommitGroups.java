package com.contoso.lro.operations;

import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Writes that arrive together are committed together. While fewer than {@code maxInFlight}
 * statements are in flight a write goes at once, alone; past that, writes wait for one to come
 * back and then leave as one statement of up to {@code maxGroup} rows, in one transaction.
 * PostgreSQL's cost of a row written alone is mostly its statement and commit (measured on 2 cores
 * under wrk: 101 to 139 µs of its CPU a create, each alone; 40 to 49 µs in groups), so a group of
 * n costs far less than n alone. No write waits on a timer: at low load every write goes alone.
 *
 * <p>Each write completes only once its own row is committed, as a write alone does. A group that
 * fails for a row's own fault ({@code rowsFault}: a constraint, bad data) is written again row by
 * row, so that the failure is that row's request's alone; any other failure (the connection, a
 * timeout) is every row's, as it would have been for each alone.
 *
 * <p>Confined to one event loop, that of the verticle that owns it.
 */
final class CommitGroups<T> {

  private record Waiting<T>(T row, Promise<Void> committed) {
  }

  private final int maxInFlight;
  private final int maxGroup;
  private final Function<T, Future<?>> writeOne;
  private final Function<List<T>, Future<?>> writeMany;
  private final Predicate<Throwable> rowsFault;
  private final ArrayDeque<Waiting<T>> waiting = new ArrayDeque<>();
  private int inFlight;

  CommitGroups(int maxInFlight, int maxGroup, Function<T, Future<?>> writeOne, Function<List<T>, Future<?>> writeMany,
               Predicate<Throwable> rowsFault) {
    this.maxInFlight = maxInFlight;
    this.maxGroup = maxGroup;
    this.writeOne = writeOne;
    this.writeMany = writeMany;
    this.rowsFault = rowsFault;
  }

  /** Completes once this row is committed. */
  Future<Void> write(T row) {
    Promise<Void> committed = Promise.promise();
    waiting.add(new Waiting<>(row, committed));
    sendWaiting();
    return committed.future();
  }

  private void sendWaiting() {
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

  private Future<?> send(List<Waiting<T>> group) {
    if (group.size() == 1) {
      Waiting<T> alone = group.get(0);
      return writeOne.apply(alone.row()).<Void>mapEmpty().onComplete(alone.committed());
    }
    return writeMany.apply(group.stream().map(Waiting::row).toList())
      .onSuccess(written -> group.forEach(each -> each.committed().complete()))
      .onFailure(failure -> {
        if (rowsFault.test(failure)) {
          group.forEach(each -> writeOne.apply(each.row()).<Void>mapEmpty().onComplete(each.committed()));
        } else {
          group.forEach(each -> each.committed().fail(failure));
        }
      });
  }
}
