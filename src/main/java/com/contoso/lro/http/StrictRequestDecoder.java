package com.contoso.lro.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.impl.VertxHttpRequestDecoder;

import java.util.List;

/**
 * Vert.x's HTTP/1.x request decoder, refusing the heads whose body framing is ambiguous. Netty drops
 * Content-Length when Transfer-Encoding is present and Vert.x then keeps the connection open, where
 * RFC 9112 6.1 says it MUST be closed: a front end that framed the body by Content-Length would have the
 * rest read here as another request (smuggling). Here such a head, a Transfer-Encoding other than
 * {@code chunked} (6.1), or two Host fields (3.2) become an invalid request, which Vert.x hands to
 * {@link InvalidRequests} (a 400, then the connection is closed); Netty discards every byte after it.
 * A broken chunk (a size that is not hexadecimal, or overflows) fails the body with a {@link MalformedFraming},
 * which {@link GraphErrorHandler} answers 400 rather than as an unexpected failure.
 */
final class StrictRequestDecoder extends VertxHttpRequestDecoder {

  StrictRequestDecoder(HttpServerOptions options) {
    super(options);
  }

  /** Netty calls this once a head is whole, before it chooses how the body is framed: the one place to refuse it. */
  @Override
  protected boolean isContentAlwaysEmpty(HttpMessage message) {
    // Vert.x answers any other version itself, a bare 501: here it is a 400 in Graph's shape.
    if (!HttpVersion.HTTP_1_1.equals(message.protocolVersion()) && !HttpVersion.HTTP_1_0.equals(message.protocolVersion())) {
      throw refuse(message, "The request is not HTTP/1.1 or HTTP/1.0; HTTP/2 is served over TLS only.");
    }
    HttpHeaders headers = message.headers();
    List<String> transferEncodings = headers.getAll(HttpHeaderNames.TRANSFER_ENCODING);
    if (!transferEncodings.isEmpty()) {
      if (headers.contains(HttpHeaderNames.CONTENT_LENGTH)) {
        throw refuse(message, "A request may not carry both Content-Length and Transfer-Encoding.");
      }
      if (transferEncodings.size() > 1 || !transferEncodings.get(0).trim().equalsIgnoreCase("chunked")) {
        throw refuse(message, "Transfer-Encoding must be chunked, or absent.");
      }
    }
    if (headers.getAll(HttpHeaderNames.HOST).size() > 1) {
      throw refuse(message, "A request carries one Host header at most.");
    }
    return super.isContentAlwaysEmpty(message);
  }

  /** The request is answered, then its connection closed: Vert.x says so in the answer, in HTTP/1.0 as well. */
  private static MalformedFraming refuse(HttpMessage message, String reason) {
    HttpUtil.setKeepAlive(message, false);
    return new MalformedFraming(reason);
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out) throws Exception {
    int before = out.size();
    super.decode(ctx, buffer, out);
    for (int i = before; i < out.size(); i++) {
      // Only a body's part: a head Netty could not read at all comes as a (full) request, for InvalidRequests.
      if (out.get(i) instanceof HttpContent content && !(content instanceof HttpMessage)
        && content.decoderResult().isFailure()) {
        content.setDecoderResult(DecoderResult.failure(new MalformedFraming("The request's chunked body is malformed.")));
      }
    }
  }
}
