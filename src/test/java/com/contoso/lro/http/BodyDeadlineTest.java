package com.contoso.lro.http;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpVersion;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static com.contoso.lro.TestService.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which requests the body deadline guards: those whose body may still come. A request that has
 * none by its head's own terms arms no timer (the slow bodies that are cut: ConnectionTimeoutsTest).
 */
@ExtendWith(VertxExtension.class)
class BodyDeadlineTest {

  @Test
  void an_http1_request_has_a_body_to_wait_for_only_when_its_head_announces_one(Vertx vertx) throws IOException {
    int port = serverAnsweringWhetherABodyMayCome(vertx);
    try (RawHttp http = new RawHttp(port, 5_000)) {
      assertThat(ask(http, "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")).isEqualTo("false");
      assertThat(ask(http, "DELETE / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n")).isEqualTo("false");
      assertThat(ask(http, "POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2\r\n\r\n{}")).isEqualTo("true");
      assertThat(ask(http, "POST / HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n"))
        .isEqualTo("true");
    }
  }

  @Test
  void an_http2_request_may_have_a_body_until_its_stream_ends(Vertx vertx) {
    int port = serverAnsweringWhetherABodyMayCome(vertx);
    var client = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
      .setHttp2ClearTextUpgrade(false));

    String answer = await(client.request(HttpMethod.POST, port, "127.0.0.1", "/")
      .compose(request -> request.send("{}")).compose(response -> response.body()))
      .toString(StandardCharsets.US_ASCII);

    assertThat(answer).isEqualTo("true");
  }

  private static int serverAnsweringWhetherABodyMayCome(Vertx vertx) {
    HttpServer server = await(vertx.createHttpServer()
      .requestHandler(request -> {
        String mayHaveBody = String.valueOf(BodyDeadline.mayHaveBody(request));
        request.body().onComplete(read -> request.response().end(mayHaveBody));
      })
      .listen(0, "127.0.0.1"));
    return server.actualPort();
  }

  private static String ask(RawHttp http, String request) throws IOException {
    return new String(http.exchange(request.getBytes(StandardCharsets.US_ASCII), true).body(), StandardCharsets.US_ASCII);
  }
}
