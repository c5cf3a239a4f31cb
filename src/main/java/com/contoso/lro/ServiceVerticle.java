package com.contoso.lro;

import com.contoso.lro.contract.ContractLoader;
import com.contoso.lro.auth.TrustedKeys;
import com.contoso.lro.config.AppConfig;
import com.contoso.lro.db.DatabaseReadiness;
import com.contoso.lro.db.DatabaseStartup;
import com.contoso.lro.contract.ContractDocs;
import com.contoso.lro.contract.ServedContract;
import com.contoso.lro.operations.OperationMetrics;
import com.contoso.lro.operations.SlicedBodies;
import com.contoso.lro.retention.RetentionVerticle;
import com.contoso.lro.throttle.CallerLimits;
import com.contoso.lro.throttle.CallerBudget;
import com.contoso.lro.throttle.DatabaseTimeBudget;
import com.contoso.lro.throttle.PerCallerLimit;
import com.contoso.lro.throttle.UserThrottle;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.openapi.contract.OpenAPIContract;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.LongSupplier;

/**
 * One instance of the service. Starts the database's part (schema, the change listener, shared
 * secrets) and, meanwhile, the contract, its served copies and reference page, and the keys; once
 * both are done, the retention job and one API verticle per event loop as its children, which share
 * the instance's per-caller throttle and limits (list and count statements, long-polls, large pages). Undeploying it stops them all and the listener's connection. When the database's part fails, the API starts anyway, answering 503 and not ready,
 * while {@link DatabaseStartup} tries again every second; the retention job starts once it succeeds.
 * But a schema history that Flyway refuses fails the start.
 */
public final class ServiceVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ServiceVerticle.class);

  private final AppConfig config;
  private final PrometheusMeterRegistry registry;
  private final LongSupplier nanoClock;
  private DatabaseStartup database;
  private long throttleSweeper = -1;

  /** @param nanoClock a monotonic clock in nanoseconds, such as {@code System::nanoTime}: the throttle's and the keys' */
  public ServiceVerticle(AppConfig config, PrometheusMeterRegistry registry, LongSupplier nanoClock) {
    this.config = config;
    this.registry = registry;
    this.nanoClock = nanoClock;
  }

  @Override
  public Future<?> start() {
    CallerLimits limits = new CallerLimits(
      new UserThrottle(config.throttle(), nanoClock),
      new PerCallerLimit(config.database().statementsPerCaller()),
      new DatabaseTimeBudget(config.database().timeSharePerCaller(), config.database().timeout(), nanoClock),
      new PerCallerLimit(config.longPollsPerCaller()),
      new CallerBudget(config.pageBytesPerCaller(),
        (double) config.pageBytesPerCaller() * AppConfig.PAGE_BYTES_BURST_SECONDS, nanoClock),
      new PerCallerLimit(SlicedBodies.LARGE_PER_CALLER));
    OperationMetrics operationMetrics = new OperationMetrics(registry, limits.longPolls());
    DatabaseReadiness readiness = new DatabaseReadiness();
    database = new DatabaseStartup(vertx, config.database(), readiness);
    // The database's first attempt runs while the contract, its served copies and the keys load:
    // it waits on the network, they on the CPU.
    Future<Void> firstAttempt = database.begin();
    Future<ServedContract> served = ContractLoader.read(vertx);
    Future<OpenAPIContract> contract = ContractLoader.load(vertx, served);
    Future<ContractDocs> docs = served.compose(file -> ContractDocs.load(vertx, file));
    Future<TrustedKeys> keys = TrustedKeys.load(vertx, config.auth(), nanoClock);
    return Future.all(firstAttempt, contract, docs, keys)
      .compose(loaded -> {
        database.whenReady().onSuccess(ready -> vertx.deployVerticle(new RetentionVerticle(config.retention(), config.database()))
          .onFailure(failure -> LOG.error("The retention job did not start", failure)));
        return vertx.deployVerticle(
          () -> new ApiVerticle(config, contract.result(), docs.result(), keys.result(), readiness, registry,
            operationMetrics, limits),
          new DeploymentOptions().setInstances(config.httpInstances()));
      })
      .onSuccess(started -> sweepEvery(limits))
      // A failed start is never stopped: end the retries and the listener here.
      .onFailure(failed -> database.stop());
  }

  /** Drops idle buckets now and then, off the event loops: a sweep walks every caller's bucket. */
  private void sweepEvery(CallerLimits limits) {
    throttleSweeper = vertx.setPeriodic(UserThrottle.SWEEP_INTERVAL_MILLIS, tick -> vertx.executeBlocking(() -> {
      limits.sweep();
      return null;
    }, false));
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(throttleSweeper);
    return database == null ? Future.succeededFuture() : database.stop();
  }
}
