package com.contoso.lro.db;

import com.contoso.lro.config.AppConfig.DatabaseConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * The part of start-up that needs the database: migrations, then the change listener, then the
 * page-token key. Tried at once, and then every second until it succeeds, so that the service comes
 * up, and answers 503, while its database is down, and becomes ready by itself when it returns. A
 * schema history that Flyway refuses ({@link Migrations.Refused}) is not tried again: it fails the
 * start when the first attempt meets it, and leaves the instance not ready when a later one does.
 */
public final class DatabaseStartup {

  private static final Logger LOG = LoggerFactory.getLogger(DatabaseStartup.class);
  private static final Duration RETRY_EVERY = Duration.ofSeconds(1);
  /** A failing attempt is logged the first time and then every this many attempts: once in 30 s. */
  private static final int LOG_EVERY = 30;

  private final Vertx vertx;
  private final DatabaseConfig database;
  private final DatabaseReadiness readiness;
  private final Promise<DatabaseReadiness.Started> ready = Promise.promise();
  private ChangeListener changes;
  private long retryTimer = -1;
  private int attempts;
  private long beganNanos;
  private boolean stopped;

  public DatabaseStartup(Vertx vertx, DatabaseConfig database, DatabaseReadiness readiness) {
    this.vertx = vertx;
    this.database = database;
    this.readiness = readiness;
  }

  /**
   * Makes the first attempt; completes once that attempt has succeeded or failed, successfully
   * unless Flyway refused the schema history. After another failure the next attempts are scheduled.
   */
  public Future<Void> begin() {
    beganNanos = System.nanoTime();
    return attempt().<Void>mapEmpty()
      .recover(failure -> failure instanceof Migrations.Refused ? Future.failedFuture(failure) : Future.succeededFuture());
  }

  /** Completes when start-up has completed, after however many attempts; fails when Flyway refused the schema history. */
  public Future<DatabaseReadiness.Started> whenReady() {
    return ready.future();
  }

  /** Stops trying, and closes the change listener's connection. */
  public Future<Void> stop() {
    stopped = true;
    vertx.cancelTimer(retryTimer);
    return changes == null ? Future.succeededFuture() : changes.close();
  }

  private Future<DatabaseReadiness.Started> attempt() {
    attempts++;
    return Migrations.apply(vertx, database)
      .recover(failure -> failed("the schema migrations", failure))
      .compose(schemaVersion -> ChangeListener.start(vertx, database.connect())
        .recover(failure -> failed("the change listener", failure))
        .compose(listener -> ServiceSecrets.pageTokenKey(vertx, database.connect())
          .recover(failure -> failed("reading the page-token key", failure))
          .onFailure(failure -> listener.close())
          .map(key -> {
            changes = listener;
            return new DatabaseReadiness.Started(schemaVersion, key, listener::listeningStretch);
          })))
      .onSuccess(this::completed)
      .onFailure(failure -> {
        if (failure instanceof Migrations.Refused) {
          ready.tryFail(failure);
        } else {
          retryLater();
        }
      });
  }

  private <T> Future<T> failed(String step, Throwable failure) {
    if (failure instanceof Migrations.Refused) {
      readiness.stillWaiting("start-up stopped: Flyway refuses the database's schema history (see the log)");
      // The first attempt's refusal fails the start, and Main logs it; a later one only here.
      if (attempts > 1) {
        LOG.error("{}. The API answers 503 until the service is restarted with a database that Flyway accepts",
          failure.getMessage());
      }
      return Future.failedFuture(failure);
    }
    String reason = "start-up is waiting for the database: " + step + " failed (attempt " + attempts + ")";
    readiness.stillWaiting(reason);
    if (attempts == 1 || attempts % LOG_EVERY == 0) {
      LOG.warn("{}: {}. The API answers 503 until it succeeds; trying again every {} s", reason,
        firstLine(failure), RETRY_EVERY.toSeconds());
    }
    return Future.failedFuture(failure);
  }

  private void completed(DatabaseReadiness.Started started) {
    if (stopped) {
      changes.close();
      return;
    }
    readiness.complete(started);
    LOG.info("The database is ready, at schema version {}, after {} attempt(s) in {} ms", started.schemaVersion(),
      attempts, Duration.ofNanos(System.nanoTime() - beganNanos).toMillis());
    ready.complete(started);
  }

  private void retryLater() {
    if (!stopped) {
      retryTimer = vertx.setTimer(RETRY_EVERY.toMillis(), tick -> attempt());
    }
  }

  private static String firstLine(Throwable failure) {
    String message = String.valueOf(failure.getMessage());
    int end = message.indexOf('\n');
    return end < 0 ? message : message.substring(0, end);
  }
}
