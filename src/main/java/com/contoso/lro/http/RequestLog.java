package com.contoso.lro.http;

import com.contoso.lro.auth.Caller;
import com.contoso.lro.contract.ContractOperations;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.PlatformHandler;
import io.vertx.openapi.contract.OpenAPIContract;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static net.logstash.logback.argument.StructuredArguments.kv;

/**
 * One log line per request when its response is sent: method, route template, status, duration,
 * request-id, client-request-id (when it is short and printable), a hash of the user, never the
 * user's id or token, and the request's trace: with traces on, the trace and span ids of its span;
 * with traces off, the trace id of the caller's W3C {@code traceparent}, when it sent a valid one,
 * to find the line by the caller's trace (and no span id, as this service made no span).
 */
final class RequestLog implements PlatformHandler {

  private static final Logger LOG = LoggerFactory.getLogger(RequestLog.class);
  private static final int MAX_CLIENT_REQUEST_ID = 128;
  private static final String UNLOGGABLE = "(not shown)";
  private static final String TRACEPARENT = "traceparent";
  private static final TextMapGetter<HttpServerRequest> HEADERS = new TextMapGetter<>() {
    @Override
    public Iterable<String> keys(HttpServerRequest request) {
      return request.headers().names();
    }

    @Override
    public String get(HttpServerRequest request, String name) {
      return request == null ? null : request.getHeader(name);
    }
  };

  private final OpenAPIContract contract;

  RequestLog(OpenAPIContract contract) {
    this.contract = contract;
  }

  /** Starts timing the request; the line is written when the response has been sent. */
  @Override
  public void handle(RoutingContext ctx) {
    long started = System.nanoTime();
    // Now, while the request's span is the current one: by the time its body is sent, the span may have ended.
    SpanContext span = Span.current().getSpanContext();
    String traceId = span.isValid() ? span.getTraceId() : callersTraceId(ctx.request());
    String spanId = span.isValid() ? span.getSpanId() : null;
    ctx.addBodyEndHandler(sent -> {
      Caller caller = Caller.of(ctx);
      LOG.info("{} {} {} {}ms", kv("method", RequestMethods.named(ctx.request().method().name())),
        kv("route", ContractOperations.routeOf(ctx, contract)),
        kv("status", ctx.response().getStatusCode()),
        kv("durationMs", (System.nanoTime() - started) / 1_000_000),
        kv("request-id", RequestIds.requestId(ctx)),
        kv("client-request-id", loggable(RequestIds.clientRequestId(ctx))),
        kv("user", caller == null ? null : caller.pseudonym()),
        kv("trace_id", traceId),
        kv("span_id", spanId));
    });
    ctx.next();
  }

  /** The trace id of a valid W3C traceparent on {@code request}, read as OpenTelemetry reads it; else null. */
  static String callersTraceId(HttpServerRequest request) {
    if (request.getHeader(TRACEPARENT) == null) {
      return null;
    }
    SpanContext caller = Span.fromContext(W3CTraceContextPropagator.getInstance().extract(Context.root(), request, HEADERS))
      .getSpanContext();
    return caller.isValid() ? caller.getTraceId() : null;
  }

  /**
   * The client's {@code client-request-id} as the log writes it: as sent when it is a short run of
   * visible ASCII, as a GUID is; else a placeholder, as a header value may be 8 KiB long and hold
   * characters that forge a line of the text format.
   */
  static String loggable(String clientRequestId) {
    if (clientRequestId == null) {
      return null;
    }
    boolean visible = clientRequestId.length() <= MAX_CLIENT_REQUEST_ID
      && clientRequestId.chars().allMatch(c -> c > 0x20 && c < 0x7f);
    return visible ? clientRequestId : UNLOGGABLE;
  }
}
