package com.contoso.lro.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.spi.VertxTracerFactory;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MetricsNaming;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Vert.x as the service runs it, with its metrics on (and its tracer when traces are configured),
 * and the Prometheus registry that belongs to this Vert.x alone. HTTP requests are labelled by route
 * template, method and status, never by their path, which carries ids; connection pools by their
 * name. Every label comes from a set that no client can grow ({@link BoundedLabels}).
 */
public record MeteredVertx(Vertx vertx, PrometheusMeterRegistry registry) {

  /**
   * Request latency buckets. They reach a minute because a GET with {@code Prefer: wait} is held up
   * to 60 s and is timed like any other request.
   */
  static final Duration[] LATENCY_BUCKETS = Stream.of(5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000,
    30_000, 60_000).map(Duration::ofMillis).toArray(Duration[]::new);

  private static final String RESPONSE_TIME =
    MetricsNaming.v4Names().withBaseName(MetricsDomain.HTTP_SERVER.getPrefix()).getHttpResponseTime();

  public static MeteredVertx create() {
    return create(Optional.empty());
  }

  /** @param tracer the tracer's factory when traces are on; without one, Vert.x has no tracer at all */
  public static MeteredVertx create(Optional<VertxTracerFactory> tracer) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config()
      .meterFilter(ServedRoute.FILTER)
      .meterFilter(BoundedLabels.METHOD)
      .meterFilter(BoundedLabels.HTTP_POOL_NAME)
      .meterFilter(BoundedLabels.NO_JVM_INFO)
      .meterFilter(latencyHistogram());
    MicrometerMetricsOptions metrics = new MicrometerMetricsOptions()
      .setEnabled(true)
      // Vert.x keeps registries in a static map by this name: a name of its own keeps two Vert.x
      // instances of one JVM (the tests') from sharing, or closing, each other's registry.
      .setRegistryName("lro-" + UUID.randomUUID())
      .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true))
      // Not Label.HTTP_PATH, nor the event bus address: both carry operation ids, one series per id.
      .setLabels(EnumSet.of(Label.HTTP_ROUTE, Label.HTTP_METHOD, Label.HTTP_CODE, Label.POOL_TYPE, Label.POOL_NAME))
      .setJvmMetricsEnabled(true);
    VertxBuilder builder = Vertx.builder()
      .with(new VertxOptions().setMetricsOptions(metrics))
      .withMetrics(new MicrometerMetricsFactory(registry));
    tracer.ifPresent(builder::withTracer);
    Vertx vertx = builder.build();
    return new MeteredVertx(vertx, registry);
  }

  /** Buckets for the HTTP server's response time only: on every timer they would multiply the series. */
  private static MeterFilter latencyHistogram() {
    return new MeterFilter() {
      @Override
      public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
        if (!id.getName().equals(RESPONSE_TIME)) {
          return config;
        }
        return DistributionStatisticConfig.builder()
          .serviceLevelObjectives(Stream.of(LATENCY_BUCKETS).mapToDouble(bucket -> bucket.toNanos()).toArray())
          .build()
          .merge(config);
      }
    };
  }
}
