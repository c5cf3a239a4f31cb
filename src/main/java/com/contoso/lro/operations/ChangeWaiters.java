package com.contoso.lro.operations;

import com.contoso.lro.db.ChangeListener;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Requests that wait for an operation to change, each woken by the change the event bus announces
 * or by its own timer. The verticle hears every change once and looks its waiters up by the
 * operation's id, so that a waiter holds no event-bus consumer of its own.
 */
final class ChangeWaiters {

  private final Vertx vertx;
  private final LongSupplier listeningStretch;
  /**
   * This verticle's waiters by operation id, each the head of those waiting on that id (ids are
   * unique per owner only, and a client may wait twice); only its event loop touches them.
   */
  private final Map<String, Waiter> byId = new HashMap<>();

  /**
   * @param listeningStretch the change listener's stretch of listening ({@code ChangeListener.listeningStretch}):
   *                         every change is announced while it stays the same; -1 while none is
   */
  ChangeWaiters(Vertx vertx, LongSupplier listeningStretch) {
    this.vertx = vertx;
    this.listeningStretch = listeningStretch;
    vertx.eventBus().<String>localConsumer(ChangeListener.CHANGED, change -> changed(change.body()));
    // The change listener has reconnected: a change made while it was away was never announced, so
    // every waiter reads its operation again rather than sleep through it until its timeout.
    vertx.eventBus().localConsumer(ChangeListener.LISTENING, again -> wake());
  }

  /** Wakes the waiters of the operation that {@code ownerAndId} ("ownerId/id") names. */
  private void changed(String ownerAndId) {
    int slash = ownerAndId.indexOf('/');
    if (slash < 0) {
      return;
    }
    String owner = ownerAndId.substring(0, slash);
    List<Waiter> woken = new ArrayList<>(1);
    for (Waiter waiter = byId.get(ownerAndId.substring(slash + 1)); waiter != null; waiter = waiter.next) {
      if (waiter.ownerId.equals(owner)) {
        woken.add(waiter);
      }
    }
    woken.forEach(waiter -> waiter.changed.tryComplete(true));
  }

  private boolean draining;

  /**
   * On shutdown: ends every wait now. A waiter then answers the state it read when it began, which
   * is still current, as any change since would have woken it; the database may be closing.
   */
  void wakeAll() {
    draining = true;
    wake();
  }

  private void wake() {
    List<Waiter> all = new ArrayList<>();
    byId.values().forEach(head -> {
      for (Waiter waiter = head; waiter != null; waiter = waiter.next) {
        all.add(waiter);
      }
    });
    all.forEach(waiter -> waiter.changed.tryComplete(true));
  }

  /** Whether the waits were ended by a shutdown rather than by a change. */
  boolean draining() {
    return draining;
  }

  /**
   * Starts listening for a change of the operation: before reading it, so that no change slips between.
   *
   * @param freed runs once, when the waiter stops: gives back the caller's long-poll
   */
  Waiter watch(String ownerId, String id, Runnable freed) {
    return new Waiter(ownerId, id, freed);
  }

  final class Waiter {
    private final Promise<Boolean> changed = Promise.promise();
    private final String ownerId;
    private final String id;
    private final Runnable freed;
    /** The change listener's stretch of listening when the waiter began, before its operation was read. */
    private final long heardFrom;
    /** The next waiter on the same id. */
    private Waiter next;
    private long timer = -1;
    private boolean stopped;

    private Waiter(String ownerId, String id, Runnable freed) {
      this.ownerId = ownerId;
      this.id = id;
      this.freed = freed;
      heardFrom = listeningStretch.getAsLong();
      next = byId.put(id, this);
    }

    /**
     * Completes when the operation changes or is deleted, or when {@code most} has passed; fails
     * once the waiter is stopped, e.g. because its client went away. Completes with whether the
     * operation may have changed since it was read: true when woken; when the time ran out, false
     * if the change listener listened through the whole wait (any change would have woken it), and
     * true if it was away at any moment of it.
     */
    Future<Boolean> changeWithin(Duration most) {
      if (!stopped) {
        timer = vertx.setTimer(most.toMillis(), elapsed -> {
          long now = listeningStretch.getAsLong();
          changed.tryComplete(now < 0 || now != heardFrom);
        });
      }
      return changed.future();
    }

    /** Frees the waiter: its place among the waiters and its timer. Safe to call more than once. */
    void stop() {
      if (stopped) {
        return;
      }
      stopped = true;
      freed.run();
      unlink();
      if (timer >= 0) {
        vertx.cancelTimer(timer);
      }
      changed.tryFail("stopped");
    }

    private void unlink() {
      Waiter head = byId.get(id);
      if (head == this) {
        if (next == null) {
          byId.remove(id);
        } else {
          byId.put(id, next);
        }
        return;
      }
      for (Waiter before = head; before != null; before = before.next) {
        if (before.next == this) {
          before.next = next;
          return;
        }
      }
    }
  }
}
