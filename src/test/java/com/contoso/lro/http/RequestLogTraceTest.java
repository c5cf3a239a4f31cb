package com.contoso.lro.http;

import com.contoso.lro.ServiceTest;
import com.contoso.lro.TestService;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static com.contoso.lro.TestService.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * With traces off (no OTEL_* variable, as here), the request log still names the caller's trace: the
 * trace id of a valid W3C traceparent, and no span id, as the service made no span. With traces on,
 * TracingTest shows the line naming the request's own span.
 */
class RequestLogTraceTest extends ServiceTest {

  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

  @Test
  void a_line_carries_the_trace_id_of_the_callers_traceparent_and_no_span_id() {
    JsonObject line = logOf("traced", "00-" + TRACE_ID + "-00f067aa0ba902b7-01");

    assertThat(line.getString("trace_id")).isEqualTo(TRACE_ID);
    assertThat(line.containsKey("span_id")).isTrue();
    assertThat(line.getString("span_id")).isNull();
    assertThat(line.getString("client-request-id")).as("the line's other fields stay").isEqualTo("traced");
    assertThat(line.getInteger("status")).isEqualTo(201);
  }

  @Test
  void without_a_traceparent_or_with_an_invalid_one_a_line_has_no_trace_id() {
    JsonObject none = logOf("untraced", null);
    JsonObject invalid = logOf("invalid", "00-" + "0".repeat(32) + "-00f067aa0ba902b7-01");
    JsonObject garbled = logOf("garbled", "not-a-traceparent");

    for (JsonObject line : new JsonObject[] {none, invalid, garbled}) {
      assertThat(line.containsKey("trace_id")).as("the field is there, empty: %s", line).isTrue();
      assertThat(line.getString("trace_id")).as(line.encode()).isNull();
      assertThat(line.getString("span_id")).isNull();
    }
  }

  /** The request log's line of a create sent with {@code traceparent}, when not null. */
  private static JsonObject logOf(String clientRequestId, String traceparent) {
    try (CapturedLogs logs = new CapturedLogs()) {
      var request = service.request(HttpMethod.POST, TestService.OPERATIONS)
        .bearerTokenAuthentication(service.tokens.user().sign()).putHeader("client-request-id", clientRequestId);
      if (traceparent != null) {
        request.putHeader("traceparent", traceparent);
      }
      HttpResponse<Buffer> created = await(request.sendJsonObject(new JsonObject()));
      assertThat(created.statusCode()).isEqualTo(201);
      // The line is written just after the response, on the server's event loop: the client, on
      // another thread, can have the answer first (the full suite, on a loaded machine, did once).
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (true) {
        var line = logs.requestJson().stream().filter(json -> clientRequestId.equals(json.getString("client-request-id")))
          .findFirst();
        if (line.isPresent()) {
          return line.get();
        }
        if (System.nanoTime() > deadline) {
          throw new AssertionError("no request log line for " + clientRequestId);
        }
        try {
          Thread.sleep(10);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError(e);
        }
      }
    }
  }
}
