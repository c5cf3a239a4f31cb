package com.contoso.lro.db;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.pgclient.pubsub.PgSubscriber;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one database connection per instance that listens for changes to operations (migration V4's
 * trigger) and hands each to the event bus, where the waiting requests of every verticle hear it.
 * Waiters therefore hold no connection, however many there are.
 */
public final class ChangeListener {

  public static final String CHANNEL = "operation_changes";
  /** How the listening session is named in pg_stat_activity, apart from the pool's. */
  public static final String APPLICATION_NAME = "lro-service listener";
  /**
   * Where each change is announced on the event bus, its body the operation's "ownerId/id": one
   * address that every verticle listens on once, rather than an address per operation with a
   * consumer per waiting request (about half a KB of heap for each).
   */
  public static final String CHANGED = "operation-changed";
  /**
   * Announced on the event bus each time the listener has (re)connected: changes made while it was
   * away were never heard, so the requests waiting for one must look again.
   */
  public static final String LISTENING = "operation-changes-listening";
  private static final Logger LOG = LoggerFactory.getLogger(ChangeListener.class);

  /** The connection whose LISTEN completed last, and how many had then: every change since is heard while it is the subscriber's. */
  private record Listening(PgConnection connection, long stretch) {
  }

  private final PgSubscriber subscriber;
  private volatile Listening listening;

  private ChangeListener(PgSubscriber subscriber) {
    this.subscriber = subscriber;
  }

  /**
   * Which unbroken stretch of listening this is, through which every change is heard: the number of
   * LISTENs completed so far, while the last one's connection is still the subscriber's; -1 from a
   * lost connection until its replacement has completed its LISTEN. A change made while the stretch
   * stays the same has been heard.
   */
  public long listeningStretch() {
    Listening now = listening;
    return now != null && subscriber.actualConnection() == now.connection() ? now.stretch() : -1;
  }

  public Future<Void> close() {
    return subscriber.close();
  }

  /**
   * Listens from now on, through lost connections and database restarts: the subscriber reconnects
   * every second, and each time announces {@link #LISTENING}. Fails, holding no connection, when the
   * first connection cannot be made.
   */
  public static Future<ChangeListener> start(Vertx vertx, PgConnectOptions database) {
    PgSubscriber subscriber = PgSubscriber.subscriber(vertx,
        new PgConnectOptions(database).addProperty("application_name", APPLICATION_NAME))
      .reconnectPolicy(retries -> 1000L);
    ChangeListener listener = new ChangeListener(subscriber);
    subscriber.channel(CHANNEL)
      .subscribeHandler(listening -> {
        Listening before = listener.listening;
        listener.listening = new Listening(subscriber.actualConnection(), before == null ? 1 : before.stretch() + 1);
        if (before != null) {
          LOG.info("The change listener is listening again; held requests read their operation again");
        }
        vertx.eventBus().publish(LISTENING, null);
      })
      .handler(change -> vertx.eventBus().publish(CHANGED, change));
    // A subscriber whose first connection failed would never try again, nor ever complete a second connect().
    return subscriber.connect().map(listener)
      .recover(failure -> subscriber.close().transform(closed -> Future.failedFuture(failure)));
  }
}
