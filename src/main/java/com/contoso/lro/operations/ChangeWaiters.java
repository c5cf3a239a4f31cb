package com.contoso.lro.operations;

import com.contoso.lro.db.ChangeListener;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Requests that wait for an operation to change, each woken by the event bus or its own timer. */
final class ChangeWaiters {

  private final Vertx vertx;
  /** This verticle's waiters; only its event loop touches the set. */
  private final Set<Waiter> active = new HashSet<>();

  ChangeWaiters(Vertx vertx) {
    this.vertx = vertx;
    // The change listener has reconnected: a change made while it was away was never announced, so
    // every waiter reads its operation again rather than sleep through it until its timeout.
    vertx.eventBus().localConsumer(ChangeListener.LISTENING, listening -> wake());
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
    List.copyOf(active).forEach(waiter -> waiter.changed.tryComplete());
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
    private final Promise<Void> changed = Promise.promise();
    private final MessageConsumer<Object> consumer;
    private final Runnable freed;
    private long timer = -1;
    private boolean stopped;

    private Waiter(String ownerId, String id, Runnable freed) {
      this.freed = freed;
      consumer = vertx.eventBus().localConsumer(ChangeListener.address(ownerId, id), change -> changed.tryComplete());
      active.add(this);
    }

    /**
     * Completes when the operation changes or is deleted, or when {@code most} has passed; fails
     * once the waiter is stopped, e.g. because its client went away.
     */
    Future<Void> changeWithin(Duration most) {
      if (!stopped) {
        timer = vertx.setTimer(most.toMillis(), elapsed -> changed.tryComplete());
      }
      return changed.future();
    }

    /** Frees the waiter: its consumer and its timer. Safe to call more than once. */
    void stop() {
      if (stopped) {
        return;
      }
      stopped = true;
      freed.run();
      active.remove(this);
      if (timer >= 0) {
        vertx.cancelTimer(timer);
      }
      consumer.unregister();
      changed.tryFail("stopped");
    }
  }
}
