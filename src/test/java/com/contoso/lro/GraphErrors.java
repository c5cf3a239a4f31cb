package com.contoso.lro;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** What every error answer looks like, for tests that send a {@code client-request-id}. */
public final class GraphErrors {

  private GraphErrors() {
  }

  /** The Graph error body: code, a message, and innerError with the date and both request ids. */
  public static void assertGraphError(HttpResponse<Buffer> response, int status, String code) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
    assertThat(response.getHeader("Content-Type")).startsWith("application/json");
    JsonObject error = response.bodyAsJsonObject().getJsonObject("error");
    assertThat(error).as(response.bodyAsString()).isNotNull();
    assertThat(error.getString("code")).isEqualTo(code);
    assertThat(error.getString("message")).isNotBlank();
    JsonObject inner = error.getJsonObject("innerError");
    assertThat(inner).as(response.bodyAsString()).isNotNull();
    assertThat(OffsetDateTime.parse(inner.getString("date")).toInstant())
      .isCloseTo(Instant.now(), within(Duration.ofMinutes(1)));
    assertThat(inner.getString("request-id")).isNotBlank().isEqualTo(response.getHeader("request-id"));
    assertThat(inner.getString("client-request-id")).isNotBlank().isEqualTo(response.getHeader("client-request-id"));
  }

  /** The database unavailable or too slow: 503 serviceUnavailable, Retry-After: 5, and the answer's request-id. */
  public static void assertServiceUnavailable(HttpResponse<Buffer> response) {
    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.getHeader("Retry-After")).isEqualTo("5");
    JsonObject error = response.bodyAsJsonObject().getJsonObject("error");
    assertThat(error.getString("code")).isEqualTo("serviceUnavailable");
    assertThat(error.getJsonObject("innerError").getString("request-id")).isEqualTo(response.getHeader("request-id"));
  }

  /** A refused bearer token: 401 unauthorized with RFC 6750's invalid_token challenge. */
  public static void assertInvalidToken(HttpResponse<Buffer> response) {
    assertGraphError(response, 401, "unauthorized");
    assertThat(response.getHeader("WWW-Authenticate")).isEqualTo("Bearer error=\"invalid_token\"");
  }
}
