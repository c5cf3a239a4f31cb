package com.contoso.lro.tracing;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.vertx.core.spi.VertxTracerFactory;
import io.vertx.tracing.opentelemetry.OpenTelemetryTracingFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * OpenTelemetry traces, set up from the standard {@code OTEL_*} variables by the SDK's autoconfigure
 * and exported over OTLP/HTTP: a span per request, continuing a W3C {@code traceparent} or starting a
 * trace, and under it a span per SQL statement (Vert.x's own tracing of its HTTP server and SQL
 * client). Off unless a variable asks for traces, and then there is no SDK and no tracer at all, so
 * that a service that does not trace pays nothing for it.
 */
public final class Tracing {

  private static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");
  /** The SDK's service name when none is configured: "unknown_service:java". */
  private static final String UNKNOWN_SERVICE = "unknown_service";
  private static final String DEFAULT_SERVICE_NAME = "lro-service";

  private final OpenTelemetrySdk sdk;

  private Tracing(OpenTelemetrySdk sdk) {
    this.sdk = sdk;
  }

  /**
   * The traces that {@code env} asks for, or none: traces are on when {@code OTEL_TRACES_EXPORTER} names an
   * exporter (not {@code none}) or an OTLP endpoint is set ({@code OTEL_EXPORTER_OTLP_ENDPOINT},
   * {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT}), unless {@code OTEL_SDK_DISABLED=true}. Only traces:
   * metrics and logs are not exported over OTLP unless their own variables ask. OTLP goes over HTTP
   * (protobuf) unless {@code OTEL_EXPORTER_OTLP_PROTOCOL} says otherwise, which only gRPC could, and it
   * is not built in.
   *
   * @param env the process's environment, of which the {@code OTEL_*} variables are read
   * @throws IllegalArgumentException when the SDK refuses the configuration, saying why
   */
  public static Optional<Tracing> from(Map<String, String> env) {
    if (!wanted(env)) {
      return Optional.empty();
    }
    try {
      OpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.builder()
        // The SDK reads the process's own environment too, in which the same variables win.
        .addPropertiesSupplier(() -> properties(env))
        .addResourceCustomizer((resource, config) -> named(resource))
        // Main shuts the SDK down after Vert.x, so that the last requests' spans are sent.
        .disableShutdownHook()
        .build()
        .getOpenTelemetrySdk();
      return Optional.of(new Tracing(sdk));
    } catch (RuntimeException e) {
      // The SDK wraps some reasons in "Unexpected configuration error": the innermost one says what to change.
      Throwable reason = e;
      while (reason.getCause() != null) {
        reason = reason.getCause();
      }
      throw new IllegalArgumentException("OTEL_* variables: " + reason.getMessage(), e);
    }
  }

  static boolean wanted(Map<String, String> env) {
    if (value(env, "OTEL_SDK_DISABLED").map(disabled -> disabled.equalsIgnoreCase("true")).orElse(false)) {
      return false;
    }
    return value(env, "OTEL_TRACES_EXPORTER").map(exporter -> !exporter.equalsIgnoreCase("none")).orElse(false)
      || value(env, "OTEL_EXPORTER_OTLP_ENDPOINT").isPresent()
      || value(env, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT").isPresent();
  }

  /** What Vert.x is built with: its HTTP server's and SQL clients' spans, through this SDK. */
  public VertxTracerFactory tracerFactory() {
    return new OpenTelemetryTracingFactory(sdk);
  }

  /** Sends the spans not yet exported and stops, waiting {@code timeout} at most. */
  public void close(Duration timeout) {
    sdk.shutdown().join(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * The {@code OTEL_*} variables as the SDK's property names ({@code OTEL_SERVICE_NAME} is
   * {@code otel.service.name}), over the service's defaults: no metrics or logs over OTLP, as /metrics
   * and standard output carry those, and OTLP over HTTP.
   */
  private static Map<String, String> properties(Map<String, String> env) {
    Map<String, String> properties = new HashMap<>();
    properties.put("otel.metrics.exporter", "none");
    properties.put("otel.logs.exporter", "none");
    // The Java SDK's own default is gRPC, for which the JDK's HTTP client has no sender.
    properties.put("otel.exporter.otlp.protocol", "http/protobuf");
    env.forEach((name, value) -> {
      if (name.startsWith("OTEL_") && !value.isBlank()) {
        properties.put(name.toLowerCase(Locale.ROOT).replace('_', '.'), value.trim());
      }
    });
    return properties;
  }

  /** The service's name, unless OTEL_SERVICE_NAME or OTEL_RESOURCE_ATTRIBUTES gives one. */
  private static Resource named(Resource resource) {
    String name = resource.getAttribute(SERVICE_NAME);
    return name == null || name.startsWith(UNKNOWN_SERVICE)
      ? resource.toBuilder().put(SERVICE_NAME, DEFAULT_SERVICE_NAME).build()
      : resource;
  }

  /** A blank variable counts as unset, as everywhere in the service's configuration. */
  private static Optional<String> value(Map<String, String> env, String name) {
    return Optional.ofNullable(env.get(name)).map(String::trim).filter(value -> !value.isEmpty());
  }
}
