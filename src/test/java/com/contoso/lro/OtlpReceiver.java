package com.contoso.lro;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * An OpenTelemetry collector's OTLP/HTTP trace endpoint, as small as a test needs: it accepts
 * {@code POST /v1/traces} with a protobuf {@code ExportTraceServiceRequest}, reads it with
 * OpenTelemetry's own protobuf classes, answers as a collector does, and keeps every span.
 */
public final class OtlpReceiver {

  /** One span as received, ids in lowercase hex as a traceparent writes them; no parent is "". */
  public record ReceivedSpan(String traceId, String spanId, String parentSpanId, String name,
                             io.opentelemetry.proto.trace.v1.Span.SpanKind kind, Map<String, String> attributes,
                             Map<String, String> resource) {
  }

  private record Waiter(String traceId, Predicate<List<ReceivedSpan>> complete, Promise<List<ReceivedSpan>> found) {
  }

  private final HttpServer server;
  private final List<ReceivedSpan> spans = new ArrayList<>();
  private final List<Waiter> waiters = new ArrayList<>();

  private OtlpReceiver(HttpServer server) {
    this.server = server;
  }

  public static Future<OtlpReceiver> start(Vertx vertx) {
    HttpServer server = vertx.createHttpServer();
    OtlpReceiver receiver = new OtlpReceiver(server);
    server.requestHandler(request -> {
      if (request.method() != HttpMethod.POST || !request.path().equals("/v1/traces")) {
        request.response().setStatusCode(404).end();
        return;
      }
      request.body().onSuccess(body -> {
        try {
          receiver.received(ExportTraceServiceRequest.parseFrom(body.getBytes()));
          request.response().putHeader("content-type", "application/x-protobuf")
            .end(Buffer.buffer(ExportTraceServiceResponse.getDefaultInstance().toByteArray()));
        } catch (InvalidProtocolBufferException e) {
          request.response().setStatusCode(400).end();
        }
      });
    });
    return server.listen(0, "127.0.0.1").map(receiver);
  }

  /** Where the service sends traces: the value of OTEL_EXPORTER_OTLP_ENDPOINT. */
  public String endpoint() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  /** Completes with the spans of {@code traceId} once those received make {@code complete} true. */
  public Future<List<ReceivedSpan>> trace(String traceId, Predicate<List<ReceivedSpan>> complete) {
    Promise<List<ReceivedSpan>> found = Promise.promise();
    synchronized (this) {
      waiters.add(new Waiter(traceId, complete, found));
    }
    check();
    return found.future();
  }

  /** Every span received so far. */
  public synchronized List<ReceivedSpan> spans() {
    return List.copyOf(spans);
  }

  public Future<Void> stop() {
    return server.close();
  }

  private void received(ExportTraceServiceRequest export) {
    synchronized (this) {
      for (ResourceSpans resourceSpans : export.getResourceSpansList()) {
        Map<String, String> resource = strings(resourceSpans.getResource().getAttributesList());
        for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
          for (io.opentelemetry.proto.trace.v1.Span span : scopeSpans.getSpansList()) {
            spans.add(new ReceivedSpan(hex(span.getTraceId()), hex(span.getSpanId()), hex(span.getParentSpanId()),
              span.getName(), span.getKind(), strings(span.getAttributesList()), resource));
          }
        }
      }
    }
    check();
  }

  private void check() {
    List<Runnable> completions = new ArrayList<>();
    synchronized (this) {
      waiters.removeIf(waiter -> {
        List<ReceivedSpan> ofTrace = spans.stream().filter(span -> span.traceId().equals(waiter.traceId())).toList();
        if (!waiter.complete().test(ofTrace)) {
          return false;
        }
        completions.add(() -> waiter.found().complete(ofTrace));
        return true;
      });
    }
    completions.forEach(Runnable::run);
  }

  private static Map<String, String> strings(List<KeyValue> attributes) {
    return attributes.stream().collect(Collectors.toMap(KeyValue::getKey, attribute -> switch (attribute.getValue().getValueCase()) {
      case STRING_VALUE -> attribute.getValue().getStringValue();
      case INT_VALUE -> String.valueOf(attribute.getValue().getIntValue());
      case BOOL_VALUE -> String.valueOf(attribute.getValue().getBoolValue());
      case DOUBLE_VALUE -> String.valueOf(attribute.getValue().getDoubleValue());
      default -> attribute.getValue().toString();
    }, (first, second) -> second));
  }

  private static String hex(ByteString bytes) {
    return HexFormat.of().formatHex(bytes.toByteArray());
  }
}
