package com.contoso.lro;

import com.contoso.lro.config.AppConfig;
import com.contoso.lro.config.JsonMapping;
import com.contoso.lro.metrics.MeteredVertx;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.function.LongSupplier;

/** The service as Main and the tests run it: one {@link ServiceVerticle}, which starts the rest. */
public final class Application {

  private Application() {
  }

  /**
   * Completes when every API verticle listens; fails with the first problem found.
   *
   * @param registry what /metrics shows: the {@link MeteredVertx}'s registry of {@code vertx}, with its HTTP and pool metrics
   */
  public static Future<String> deploy(Vertx vertx, AppConfig config, PrometheusMeterRegistry registry) {
    return deploy(vertx, config, registry, System::nanoTime);
  }

  /** @param nanoClock the instance's monotonic clock in nanoseconds: {@code System::nanoTime}, or a test's */
  public static Future<String> deploy(Vertx vertx, AppConfig config, PrometheusMeterRegistry registry,
                                      LongSupplier nanoClock) {
    JsonMapping.configure();
    return vertx.deployVerticle(new ServiceVerticle(config, registry, nanoClock));
  }
}
