package com.contoso.lro.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Canaries: the defects of Vert.x 5.0.7 (and Netty 4.2) that {@link ConnectionSetup}, {@link StrictRequestDecoder},
 * {@link RequestIds} and {@link Http2HeadLimits} work around, shown on a bare Vert.x server. Each test asserts the
 * defect; when one fails after an upgrade, the library has changed, and the workaround may go.
 */
@ExtendWith(VertxExtension.class)
class WireLibraryCanaryTest {

  private HttpServer server;

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }
  }

  /**
   * Netty drops Content-Length when Transfer-Encoding is present (netty/netty#10003) and Vert.x keeps the
   * connection open, where RFC 9112 6.1 says it MUST close it: the request pipelined behind is answered.
   */
  @Test
  void vertx_answers_a_request_pipelined_behind_one_with_content_length_and_chunked(Vertx vertx) throws Exception {
    int port = start(vertx, new HttpServerOptions(), request -> request.body()
      .onComplete(body -> request.response().end("ok")));
    try (Socket socket = new RawHttp(port, 5_000).open()) {
      RawHttp.write(socket.getOutputStream(), "POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 4\r\n"
        + "Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\nGET / HTTP/1.1\r\nHost: localhost\r\n\r\n");

      assertThat(RawHttp.read(socket.getInputStream(), true).status()).isEqualTo(200);
      assertThat(RawHttp.read(socket.getInputStream(), true).status()).as("the smuggled request").isEqualTo(200);
    }
  }

  /** Netty's HTTP/2 decoder does not validate field values by default (netty/netty#17447), nor does Vert.x. */
  @Test
  void vertx_hands_an_http2_header_value_with_a_line_feed_to_the_request_handler(Vertx vertx) throws Exception {
    int port = start(vertx, new HttpServerOptions(), request -> request.response()
      .end(String.valueOf(request.getHeader("x-value").contains("\n"))));
    try (RawHttp2 http = new RawHttp2(port, 5_000)) {
      RawHttp2.Answer answer = http.request("GET", "/", List.<String[]>of(new String[] {"x-value", "a\nb"}));

      assertThat(answer.status()).isEqualTo(200);
      assertThat(answer.bodyText()).isEqualTo("true");
    }
  }

  /**
   * Vert.x's idle timeout is an IdleStateHandler under the HTTP/2 codec, counting bytes: PINGs keep an HTTP/2
   * connection that carries no request open for ever. No upstream issue found.
   */
  @Test
  void vertx_keeps_an_http2_connection_open_while_it_is_pinged(Vertx vertx) throws Exception {
    int port = start(vertx, new HttpServerOptions().setIdleTimeout(1), request -> request.response().end());
    try (RawHttp2 http = new RawHttp2(port, 5_000)) {
      long started = System.nanoTime();
      boolean closed = false;
      while (!closed && System.nanoTime() - started < TimeUnit.SECONDS.toNanos(3)) {
        http.ping();
        Thread.sleep(250);
        closed = http.closedByServer();
      }

      assertThat(closed).as("closed within 3 s at an idle timeout of 1 s").isFalse();
    }
  }

  /**
   * A chunk size Netty cannot read fails the request, and Vert.x closes the connection right after the request's
   * exception handler has run: an answer written there is dropped unflushed (cf. eclipse-vertx/vert.x#3724, which
   * made Vert.x answer a head it cannot decode, not a body).
   */
  @Test
  void vertx_drops_the_answer_to_a_request_whose_chunk_size_overflows(Vertx vertx) throws Exception {
    int port = start(vertx, new HttpServerOptions(), request -> {
      request.exceptionHandler(failed -> request.response().setStatusCode(400).end());
      request.body();
    });
    try (RawHttp http = new RawHttp(port, 5_000)) {
      RawHttp.Answer answer = http.exchange(("POST / HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n"
        + "ffffffffffffffff14\r\n{}\r\n0\r\n\r\n").getBytes(StandardCharsets.US_ASCII), true);

      assertThat(answer.closed()).as("closed with no answer").isTrue();
    }
  }

  /**
   * With HTTP/2 in cleartext enabled, Vert.x waits for a connection's first bytes to tell HTTP/2 from HTTP/1.x, and for
   * HTTP/1.x creates the connection (and calls the connection handler) only once its own decoder has read the first
   * request's head: too late to put {@link StrictRequestDecoder} in its place, hence {@code setHttp2ClearTextEnabled(false)}
   * in {@link ServerOptions}. Without it, the connection handler runs as the connection opens.
   */
  @Test
  void vertx_calls_the_connection_handler_of_a_cleartext_http1_connection_only_after_its_first_head(Vertx vertx)
    throws Exception {
    java.util.concurrent.atomic.AtomicInteger connections = new java.util.concurrent.atomic.AtomicInteger();
    server = vertx.createHttpServer(new HttpServerOptions().setPort(0))
      .connectionHandler(connection -> connections.incrementAndGet())
      .requestHandler(request -> request.response().end())
      .listen().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    try (Socket socket = new RawHttp(server.actualPort(), 5_000).open()) {
      RawHttp.write(socket.getOutputStream(), "GET / HTTP/1.1\r\nHost: localhost\r\n");
      Thread.sleep(500);
      int beforeTheHeadEnds = connections.get();
      RawHttp.write(socket.getOutputStream(), "\r\n");

      assertThat(RawHttp.read(socket.getInputStream(), true).status()).isEqualTo(200);
      assertThat(beforeTheHeadEnds).as("connection handler calls while the first head was incomplete").isZero();
      assertThat(connections.get()).isEqualTo(1);
    }
  }

  /**
   * Netty's HTTP/1.x parser copies each header line into one scratch buffer, which grows to the longest line and
   * keeps that size for the connection's life: {@link StrictRequestDecoder} shrinks it after a head that asks to wait.
   */
  @Test
  void netty_keeps_its_parsers_scratch_buffer_at_the_longest_header_line() {
    HttpRequestDecoder decoder = new HttpRequestDecoder();
    EmbeddedChannel channel = new EmbeddedChannel(decoder);
    String token = "x".repeat(900);

    channel.writeInbound(Unpooled.copiedBuffer("GET / HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer " + token
      + "\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", StandardCharsets.US_ASCII));

    assertThat(StrictRequestDecoder.scratchCapacity(decoder)).as("after a short head that followed the long one")
      .isGreaterThan(token.length());
    channel.finishAndReleaseAll();
  }

  private int start(Vertx vertx, HttpServerOptions options, Handler<HttpServerRequest> handler) throws Exception {
    server = vertx.createHttpServer(options.setPort(0)).requestHandler(handler)
      .listen().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    return server.actualPort();
  }
}
