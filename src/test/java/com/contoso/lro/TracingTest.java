package com.contoso.lro;

import com.contoso.lro.OtlpReceiver.ReceivedSpan;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static com.contoso.lro.TestService.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Traces as an operator turns them on: two instances, real processes on one database, each told by
 * the standard OTEL_* variables to export to an OTLP/HTTP collector (here {@link OtlpReceiver}, which
 * decodes the protobuf export). A request continues the caller's W3C traceparent, or starts a trace;
 * its server span and the spans of its SQL statements are one trace, sent by the instance that served
 * it; and its request log line names that trace and span.
 */
@ExtendWith(VertxExtension.class)
class TracingTest {

  private static final SecureRandom RANDOM = new SecureRandom();

  @TempDir
  Path dir;

  @Test
  void a_create_with_a_traceparent_is_one_trace_of_its_server_span_and_its_sql_from_whichever_instance_served_it(
    Vertx vertx) throws Exception {
    OtlpReceiver collector = await(OtlpReceiver.start(vertx));
    TestDatabase database = await(TestDatabase.create(vertx));
    TestTokens tokens = new TestTokens();
    List<Process> servers = new ArrayList<>();
    try {
      Path jwks = tokens.writeJwks(dir);
      Instance first = start(servers, database, jwks, collector, "instance-1");
      Instance second = start(servers, database, jwks, collector, "instance-2");
      first.awaitServing();
      second.awaitServing();
      WebClient client = WebClient.create(vertx);
      String token = tokens.user().sign();

      Map<String, ReceivedSpan> serverSpans = new HashMap<>();
      Map<String, String> traced = new HashMap<>();
      for (Instance instance : List.of(first, second)) {
        String traceId = hex(16);
        String callersSpanId = hex(8);
        HttpResponse<Buffer> created = await(client.post(instance.port(), "localhost", TestService.OPERATIONS)
          .bearerTokenAuthentication(token)
          .putHeader("traceparent", "00-" + traceId + "-" + callersSpanId + "-01")
          .sendJsonObject(new JsonObject().put("status", "running")));
        assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);

        List<ReceivedSpan> trace = await(collector.trace(traceId, spans -> server(spans).isPresent()
          && spans.stream().anyMatch(isInsert())));
        ReceivedSpan server = server(trace).orElseThrow();
        assertThat(server.parentSpanId()).as("the server span continues the caller's span").isEqualTo(callersSpanId);
        assertThat(server.name()).isEqualTo("POST");
        assertThat(server.resource()).as("sent by the instance that served the create")
          .containsEntry("service.instance.id", instance.name())
          .containsEntry("service.name", "lro-service");
        List<ReceivedSpan> statements = trace.stream().filter(span -> span.kind() == SpanKind.SPAN_KIND_CLIENT).toList();
        assertThat(statements).as("a span per SQL statement").isNotEmpty().allSatisfy(statement -> {
          assertThat(statement.attributes()).containsEntry("db.system", "postgresql");
          assertThat(leadsTo(statement, server, trace)).as("%s's parents lead to the server span", statement.name()).isTrue();
          assertThat(statement.resource()).containsEntry("service.instance.id", instance.name());
        });
        assertThat(statements).anySatisfy(statement -> assertThat(statement.attributes().get("db.query.text"))
          .as("the statement, never its parameters").contains("INSERT INTO operations").contains("$1")
          .doesNotContain("running"));
        serverSpans.put(traceId, server);
        traced.put(instance.name(), traceId);
      }

      HttpResponse<Buffer> untraced = await(client.post(first.port(), "localhost", TestService.OPERATIONS)
        .bearerTokenAuthentication(token).putHeader("client-request-id", "no-traceparent")
        .sendJsonObject(new JsonObject()));
      assertThat(untraced.statusCode()).isEqualTo(201);
      client.close();

      for (Process server : servers) {
        server.toHandle().destroy();
      }
      for (Instance instance : List.of(first, second)) {
        assertThat(instance.process().waitFor(30, TimeUnit.SECONDS)).as("exits after SIGTERM").isTrue();
        assertThat(instance.output().ended().await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(instance.process().exitValue()).as("output: %s", instance.lines()).isZero();
        String traceId = traced.get(instance.name());
        JsonObject line = createLine(instance, logged -> traceId.equals(logged.getString("trace_id")));
        assertThat(line.getString("span_id")).as("the request log names the server span")
          .isEqualTo(serverSpans.get(traceId).spanId());
        assertThat(line.getString("request-id")).isNotNull();
        assertThat(line.getString("user")).hasSize(16);
      }

      JsonObject untracedLine = createLine(first, line -> "no-traceparent".equals(line.getString("client-request-id")));
      String startedTrace = untracedLine.getString("trace_id");
      assertThat(startedTrace).as("without a traceparent a trace is started").matches("[0-9a-f]{32}");
      // The instance sent its last spans as it stopped.
      List<ReceivedSpan> started = collector.spans().stream().filter(span -> span.traceId().equals(startedTrace)).toList();
      ReceivedSpan root = server(started).orElseThrow();
      assertThat(root.parentSpanId()).as("the server span is the trace's root").isEmpty();
      assertThat(root.spanId()).isEqualTo(untracedLine.getString("span_id"));
      assertThat(started).anySatisfy(span -> assertThat(isInsert().test(span)).isTrue());
    } finally {
      servers.forEach(Process::destroyForcibly);
      await(collector.stop());
      await(database.drop());
    }
  }

  private record Instance(String name, int port, Process process, List<String> lines, JavaProcess.Output output) {
    void awaitServing() throws InterruptedException {
      assertThat(output.serving().await(2, TimeUnit.MINUTES)).as("serving; output: %s", lines).isTrue();
    }
  }

  /** Main as an operator runs it, with its traces sent to {@code collector}, starting. */
  private static Instance start(List<Process> servers, TestDatabase database, Path jwks, OtlpReceiver collector,
                                String name) throws Exception {
    int port = TestService.freePort();
    Map<String, String> env = new HashMap<>(database.env());
    env.put("HTTP_PORT", String.valueOf(port));
    env.put("HTTP_INSTANCES", "2");
    env.putAll(TestTokens.trusting(jwks));
    env.put("OTEL_EXPORTER_OTLP_ENDPOINT", collector.endpoint());
    env.put("OTEL_RESOURCE_ATTRIBUTES", "service.instance.id=" + name);
    // Spans leave every 100 ms rather than every 5 s, so that the test need not wait for them.
    env.put("OTEL_BSP_SCHEDULE_DELAY", "100");
    Process process = JavaProcess.command(Main.class, env).start();
    servers.add(process);
    List<String> lines = new CopyOnWriteArrayList<>();
    return new Instance(name, port, process, lines, JavaProcess.follow(process, lines));
  }

  private static Optional<ReceivedSpan> server(List<ReceivedSpan> spans) {
    return spans.stream().filter(span -> span.kind() == SpanKind.SPAN_KIND_SERVER).findFirst();
  }

  private static Predicate<ReceivedSpan> isInsert() {
    return span -> span.kind() == SpanKind.SPAN_KIND_CLIENT
      && span.attributes().getOrDefault("db.query.text", "").contains("INSERT INTO operations");
  }

  /** Whether {@code span}'s parent, or its parent's, and so on within {@code trace}, is {@code ancestor}. */
  private static boolean leadsTo(ReceivedSpan span, ReceivedSpan ancestor, List<ReceivedSpan> trace) {
    for (ReceivedSpan at = span; at != null; ) {
      if (at.parentSpanId().equals(ancestor.spanId())) {
        return true;
      }
      String parent = at.parentSpanId();
      at = trace.stream().filter(candidate -> candidate.spanId().equals(parent)).findFirst().orElse(null);
    }
    return false;
  }

  /** The request log's line of a create on {@code instance} that {@code which} picks. */
  private static JsonObject createLine(Instance instance, Predicate<JsonObject> which) {
    return instance.lines().stream().filter(line -> line.startsWith("{")).map(JsonObject::new)
      .filter(line -> "POST".equals(line.getString("method")) && Integer.valueOf(201).equals(line.getInteger("status")))
      .filter(which).findFirst()
      .orElseThrow(() -> new AssertionError("no such create in the log of " + instance.name() + ": " + instance.lines()));
  }

  private static String hex(int bytes) {
    byte[] random = new byte[bytes];
    RANDOM.nextBytes(random);
    return HexFormat.of().formatHex(random);
  }
}
