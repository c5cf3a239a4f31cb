package com.contoso.lro.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.http.HttpServerOptions;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a connection's decoder keeps between requests: after a head that asks to wait (and may be held for a
 * minute), not the scratch buffer Netty grew to its longest header line.
 */
class StrictRequestDecoderTest {

  /** A bearer token's length: the longest line of a request to the service. */
  private static final String TOKEN = "x".repeat(900);

  /** The capacity Vert.x's options give the scratch buffer to begin with. */
  private static final int FIRST_SIZE = new HttpServerOptions().getDecoderInitialBufferSize();

  @Test
  void a_head_that_asks_to_wait_leaves_the_scratch_buffer_at_its_first_size() {
    assertThat(scratchCapacityAfter("GET /op HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer " + TOKEN
      + "\r\nPrefer: wait=60\r\nIf-None-Match: W/\"2\"\r\n\r\n")).isEqualTo(FIRST_SIZE);
  }

  @Test
  void a_wait_asked_in_a_second_prefer_header_counts_too() {
    assertThat(scratchCapacityAfter("GET /op HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer " + TOKEN
      + "\r\nPrefer: return=minimal\r\nPrefer: wait=60\r\n\r\n")).isEqualTo(FIRST_SIZE);
  }

  @Test
  void a_head_that_does_not_ask_to_wait_keeps_it() {
    assertThat(scratchCapacityAfter("GET /op HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer " + TOKEN + "\r\n\r\n"))
      .isGreaterThan(TOKEN.length());
  }

  @Test
  void the_connection_reads_its_next_requests_whole_after_the_buffer_shrank() {
    StrictRequestDecoder decoder = new StrictRequestDecoder(new HttpServerOptions());
    EmbeddedChannel channel = new EmbeddedChannel(decoder);
    String waiting = "GET /a HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer " + TOKEN + "\r\nPrefer: wait=5\r\n\r\n";
    // The second head arrives with the first, and its last line in a read of its own.
    String next = "GET /b HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer " + TOKEN + "\r\nX-Last: ";

    channel.writeInbound(Unpooled.copiedBuffer(waiting + next, StandardCharsets.US_ASCII));
    channel.writeInbound(Unpooled.copiedBuffer("end\r\n\r\n", StandardCharsets.US_ASCII));

    HttpRequest first = next(channel);
    HttpRequest second = next(channel);
    assertThat(first.uri()).isEqualTo("/a");
    assertThat(second.uri()).isEqualTo("/b");
    assertThat(second.headers().get("Authorization")).isEqualTo("Bearer " + TOKEN);
    assertThat(second.headers().get("X-Last")).isEqualTo("end");
    channel.finishAndReleaseAll();
  }

  /** Reads one head on a new connection, checks it came whole, and gives the scratch buffer's capacity after. */
  private static int scratchCapacityAfter(String head) {
    StrictRequestDecoder decoder = new StrictRequestDecoder(new HttpServerOptions());
    EmbeddedChannel channel = new EmbeddedChannel(decoder);
    try {
      channel.writeInbound(Unpooled.copiedBuffer(head, StandardCharsets.US_ASCII));
      HttpRequest request = next(channel);
      assertThat(request.headers().get("Authorization")).isEqualTo("Bearer " + TOKEN);
      return StrictRequestDecoder.scratchCapacity(decoder);
    } finally {
      channel.finishAndReleaseAll();
    }
  }

  /** The next request's head; the empty bodies of GETs that follow it are released. */
  private static HttpRequest next(EmbeddedChannel channel) {
    for (Object message = channel.readInbound(); message != null; message = channel.readInbound()) {
      if (message instanceof HttpRequest request) {
        return request;
      }
      ReferenceCountUtil.release(message);
    }
    throw new AssertionError("no request was decoded");
  }
}
