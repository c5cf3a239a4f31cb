package com.contoso.lro.db;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.pgclient.pubsub.PgSubscriber;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicBoolean;

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

  private final PgSubscriber subscriber;
  /** The connection whose LISTEN last completed: every change since is heard while it is still the subscriber's. */
  private volatile PgConnection listeningOn;

  private ChangeListener(PgSubscriber subscriber) {
    this.subscriber = subscriber;
  }

  /**
   * Whether every change is heard now: false from a lost connection until its replacement has
   * completed its LISTEN (and {@link #LISTENING} has been announced).
   */
  public boolean isListening() {
    PgConnection now = subscriber.actualConnection();
    return now != null && now == listeningOn;
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
    AtomicBoolean connectedBefore = new AtomicBoolean();
    subscriber.channel(CHANNEL)
      .subscribeHandler(listening -> {
        listener.listeningOn = subscriber.actualConnection();
        if (connectedBefore.getAndSet(true)) {
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
