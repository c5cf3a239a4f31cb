package com.contoso.lro.retention;

import com.contoso.lro.config.AppConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;

/** Runs the retention job every RETENTION_INTERVAL_SECONDS, on a connection of its own. */
public final class RetentionVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(RetentionVerticle.class);

  private final AppConfig.RetentionConfig config;
  private final AppConfig.DatabaseConfig database;
  private Pool pool;
  private long timer;

  public RetentionVerticle(AppConfig.RetentionConfig config, AppConfig.DatabaseConfig database) {
    this.config = config;
    this.database = database;
  }

  @Override
  public Future<?> start() {
    // One connection of its own: the job never takes one that a request is waiting for.
    // Named, so that its pool metrics are told from the API's lro-pool.
    pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(1).setName("lro-retention-pool"))
      .connectingTo(database.connect()).using(vertx).build();
    RetentionJob job = new RetentionJob(pool, Duration.ofHours(config.hours()), config.batchSize(), Clock.systemUTC());
    schedule(job);
    return Future.succeededFuture();
  }

  /** The next run starts an interval after the last one ended: runs never queue up behind a slow one. */
  private void schedule(RetentionJob job) {
    timer = vertx.setTimer(config.intervalSeconds() * 1000L, tick -> job.runOnce()
      .onSuccess(run -> {
        if (run.operationsDeleted() + run.keysDeleted() > 0) {
          LOG.info("Retention deleted {} operation(s) and {} idempotency key(s)", run.operationsDeleted(), run.keysDeleted());
        }
      })
      .onFailure(failure -> LOG.warn("Retention run failed: {}", failure.getMessage()))
      .onComplete(done -> schedule(job)));
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return pool.close();
  }
}
