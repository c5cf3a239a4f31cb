package com.contoso.lro;

import com.contoso.lro.auth.TrustedKeys;
import com.contoso.lro.config.AppConfig;
import com.contoso.lro.db.ChangeListener;
import com.contoso.lro.db.Migrations;
import com.contoso.lro.db.ServiceSecrets;
import com.contoso.lro.docs.ContractDocs;
import com.contoso.lro.operations.OperationMetrics;
import com.contoso.lro.operations.query.PageTokens;
import com.contoso.lro.retention.RetentionVerticle;
import com.contoso.lro.throttle.UserThrottle;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.pgclient.pubsub.PgSubscriber;

/**
 * One instance of the service. Starts in order: schema, the change listener, shared secrets,
 * contract, its served copies and reference page, keys, the retention job, then one API verticle
 * per event loop as its children, which share the instance's per-caller throttle; undeploying it
 * stops them all and the listener's connection.
 */
public final class ServiceVerticle extends VerticleBase {

  private final AppConfig config;
  private final PrometheusMeterRegistry registry;
  private PgSubscriber changes;
  private long throttleSweeper = -1;
  private String schemaVersion;

  public ServiceVerticle(AppConfig config, PrometheusMeterRegistry registry) {
    this.config = config;
    this.registry = registry;
  }

  @Override
  public Future<?> start() {
    OperationMetrics operationMetrics = new OperationMetrics(registry);
    UserThrottle throttle = new UserThrottle(config.throttle(), System::nanoTime);
    return Migrations.apply(vertx, config.database())
      .compose(schemaVersion -> {
        this.schemaVersion = schemaVersion;
        return ChangeListener.start(vertx, config.database().connect());
      })
      .compose(listening -> {
        changes = listening;
        return ServiceSecrets.pageTokenKey(vertx, config.database().connect());
      })
      .compose(pageTokenKey -> Application.loadContract(vertx)
        .compose(contract -> ContractDocs.load(vertx)
          .compose(docs -> TrustedKeys.load(vertx, config.auth())
            .compose(keys -> vertx.deployVerticle(new RetentionVerticle(config.retention(), config.database()))
              .compose(retention -> vertx.deployVerticle(
                () -> new ApiVerticle(config, contract, docs, keys, new PageTokens(pageTokenKey), schemaVersion,
                  registry, operationMetrics, throttle),
                new DeploymentOptions().setInstances(config.httpInstances())))))))
      .onSuccess(started -> sweepEvery(throttle));
  }

  /** Drops idle buckets now and then, off the event loops: a sweep walks every caller's bucket. */
  private void sweepEvery(UserThrottle throttle) {
    if (config.throttle().enabled()) {
      throttleSweeper = vertx.setPeriodic(UserThrottle.SWEEP_INTERVAL_MILLIS,
        tick -> vertx.executeBlocking(throttle::sweep, false));
    }
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(throttleSweeper);
    return changes == null ? Future.succeededFuture() : changes.close();
  }
}
