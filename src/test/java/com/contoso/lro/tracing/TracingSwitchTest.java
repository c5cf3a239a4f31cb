package com.contoso.lro.tracing;

import com.contoso.lro.metrics.MeteredVertx;
import io.vertx.core.internal.VertxInternal;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import static com.contoso.lro.TestService.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Traces are off unless an OTEL_* variable asks for them, and off means no SDK and no tracer at all:
 * Vert.x then has nothing to call per request or statement, so a service that does not trace pays
 * nothing for it (bench/README.md says which make bench phases compare the two).
 */
class TracingSwitchTest {

  @Test
  void without_an_exporter_or_an_endpoint_there_is_no_tracing_and_vertx_has_no_tracer() {
    assertThat(Tracing.from(Map.of())).isEmpty();
    assertThat(Tracing.from(Map.of("OTEL_SERVICE_NAME", "lro", "OTEL_RESOURCE_ATTRIBUTES", "service.instance.id=1")))
      .as("naming the service does not turn traces on").isEmpty();
    assertThat(Tracing.from(Map.of("OTEL_TRACES_EXPORTER", "none", "OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"))).isEmpty();
    assertThat(Tracing.from(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "  "))).as("a blank variable is unset").isEmpty();
    assertThat(Tracing.from(Map.of("OTEL_SDK_DISABLED", "true", "OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318")))
      .isEmpty();

    MeteredVertx metered = MeteredVertx.create(Tracing.from(Map.of()).map(Tracing::tracerFactory));
    try {
      assertThat(((VertxInternal) metered.vertx()).tracer()).isNull();
    } finally {
      await(metered.vertx().close());
    }
  }

  @Test
  void an_otlp_endpoint_or_exporter_turns_tracing_on_and_vertx_gets_its_tracer() {
    assertThat(Tracing.wanted(Map.of("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://127.0.0.1:4318/v1/traces"))).isTrue();
    assertThat(Tracing.wanted(Map.of("OTEL_TRACES_EXPORTER", "otlp"))).isTrue();
    Optional<Tracing> tracing = Tracing.from(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318"));
    assertThat(tracing).isPresent();

    MeteredVertx metered = MeteredVertx.create(tracing.map(Tracing::tracerFactory));
    try {
      assertThat(((VertxInternal) metered.vertx()).tracer()).isNotNull();
    } finally {
      await(metered.vertx().close());
      tracing.get().close(Duration.ofSeconds(1));
    }
  }

  @Test
  void a_configuration_the_sdk_refuses_stops_start_up_as_a_bad_configuration_with_its_reason() {
    assertThatThrownBy(() -> Tracing.from(Map.of("OTEL_TRACES_EXPORTER", "zipkin")))
      .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("zipkin");
    assertThatThrownBy(() -> Tracing.from(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4317",
      "OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")))
      .as("only OTLP over HTTP is built in").isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("OTEL_* variables:");
  }

  @Test
  void the_variables_that_turn_traces_on_or_off_are_in_the_readme_table_and_in_help() throws IOException {
    Set<String> read = new TreeSet<>();
    assertThat(Tracing.from(new HashMap<>() {
      @Override
      public String get(Object name) {
        read.add((String) name);
        return null;
      }
    })).isEmpty();
    String readme = Files.readString(Path.of("README.md"));
    String help;
    try (InputStream in = Tracing.class.getResourceAsStream("/help.txt")) {
      help = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    assertThat(read).contains("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_TRACES_EXPORTER", "OTEL_SDK_DISABLED");
    assertThat(read).allSatisfy(name -> {
      assertThat(readme).as("README table").contains("| `" + name + "` |");
      assertThat(help).as("--help").containsPattern("\\b" + name + "\\b");
    });
  }
}
