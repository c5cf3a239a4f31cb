package com.contoso.lro.db;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgSubscriber;

/**
 * The one database connection per instance that listens for changes to operations (migration V4's
 * trigger) and hands each to the event bus, where the waiting requests of every verticle hear it.
 * Waiters therefore hold no connection, however many there are.
 */
public final class ChangeListener {

  public static final String CHANNEL = "operation_changes";
  /** How the listening session is named in pg_stat_activity, apart from the pool's. */
  public static final String APPLICATION_NAME = "lro-service listener";
  private static final String ADDRESS_PREFIX = "operation-changed:";

  private ChangeListener() {
  }

  /** The event-bus address on which a change of one operation is announced. */
  public static String address(String ownerId, String id) {
    return ADDRESS_PREFIX + ownerId + "/" + id;
  }

  public static Future<PgSubscriber> start(Vertx vertx, PgConnectOptions database) {
    PgSubscriber subscriber = PgSubscriber.subscriber(vertx,
        new PgConnectOptions(database).addProperty("application_name", APPLICATION_NAME))
      // Keep listening through database restarts: a missed wake-up only costs a waiter its timeout.
      .reconnectPolicy(retries -> 1000L);
    subscriber.channel(CHANNEL).handler(change -> vertx.eventBus().publish(ADDRESS_PREFIX + change, null));
    return subscriber.connect().map(subscriber);
  }
}
