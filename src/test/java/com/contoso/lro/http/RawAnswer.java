package com.contoso.lro.http;

import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** An answer read off the wire by {@link RawHttp} (HTTP/1.1) or {@link RawHttp2} (HTTP/2 frames). */
interface RawAnswer {

  /** The header fields, by lowercase name. */
  Map<String, String> headers();

  byte[] body();

  default String header(String name) {
    return headers().get(name.toLowerCase(Locale.ROOT));
  }

  default String bodyText() {
    return new String(body(), StandardCharsets.UTF_8);
  }

  /** Graph's error body, with its request-id in a header and in innerError, and the security headers. */
  static void assertGraphError(RawAnswer answer, String code) {
    assertThat(answer.header("content-type")).startsWith("application/json");
    assertThat(answer.header("request-id")).isNotBlank();
    assertThat(answer.header("x-content-type-options")).isEqualTo("nosniff");
    assertThat(answer.header("cache-control")).isEqualTo("no-store");
    JsonObject error = new JsonObject(answer.bodyText()).getJsonObject("error");
    assertThat(error.getString("code")).isEqualTo(code);
    assertThat(error.getString("message")).isNotBlank();
    assertThat(error.getJsonObject("innerError").getString("request-id")).isEqualTo(answer.header("request-id"));
  }
}
