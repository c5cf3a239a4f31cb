package com.contoso.lro.db;

import com.contoso.lro.config.AppConfig.DatabaseConfig;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.tracing.TracingPolicy;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlClient;

import java.util.concurrent.TimeUnit;

/**
 * The database clients of one API verticle, each on that verticle's event loop and closing only
 * after its own requests have drained (a pool shared by name closed under one verticle's requests
 * when another verticle stopped). Neither connecting nor queueing for a connection may outlast a
 * request's own bound.
 */
public final class DatabaseClients {

  private static final String POOL_NAME = "lro-pool";
  private static final String LIST_POOL_NAME = "lro-list-pool";
  /**
   * Statements sent on a connection before the answers to those before them have come back: every
   * statement is one of its own (none needs a transaction), so a pipeline mixes requests freely.
   * 8 served most (bench/README.md#pipelined-statements).
   */
  private static final int PIPELINING_LIMIT = 8;

  private DatabaseClients() {
  }

  /** Gets and writes: this verticle's share of DB_POOL_SIZE, pipelined. */
  public static SqlClient pipelined(Vertx vertx, DatabaseConfig config, int instances) {
    int timeoutMillis = (int) config.timeout().toMillis();
    return PgBuilder.client()
      .with(new PoolOptions()
        .setMaxSize(Math.max(1, config.poolSize() / instances))
        .setName(POOL_NAME)
        .setConnectionTimeout(timeoutMillis)
        .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS))
      .with(new NetClientOptions().setConnectTimeout(timeoutMillis))
      .connectingTo(traced(config).setPipeliningLimit(PIPELINING_LIMIT))
      .using(vertx)
      .build();
  }

  /**
   * Lists and counts, whose cost follows the query options: connections of their own, one statement
   * at a time, so that no get or write waits in a pipeline behind one, and a timed-out one can be
   * cancelled on the server without cancelling others.
   */
  public static Pool forLists(Vertx vertx, DatabaseConfig config, int instances) {
    int timeoutMillis = (int) config.timeout().toMillis();
    return PgBuilder.pool()
      .with(new PoolOptions()
        .setMaxSize(Math.max(1, config.listPoolSize() / instances))
        .setName(LIST_POOL_NAME)
        // A backstop: CancellingStatements answers a statement still waiting at timeoutMillis itself.
        .setConnectionTimeout(2 * timeoutMillis)
        .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS))
      .with(new NetClientOptions().setConnectTimeout(timeoutMillis))
      .connectingTo(traced(config))
      .using(vertx)
      .build();
  }

  /** When traces are on, each statement a request sends is a span of its trace; one sent outside a request is none. */
  private static PgConnectOptions traced(DatabaseConfig config) {
    return new PgConnectOptions(config.connect()).setTracingPolicy(TracingPolicy.PROPAGATE);
  }
}
