package com.contoso.lro.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectDecoder;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.impl.VertxHttpRequestDecoder;
import org.slf4j.LoggerFactory;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.Locale;

/**
 * Vert.x's HTTP/1.x request decoder, refusing the heads whose body framing is ambiguous. Netty drops
 * Content-Length when Transfer-Encoding is present and Vert.x then keeps the connection open, where
 * RFC 9112 6.1 says it MUST be closed: a front end that framed the body by Content-Length would have the
 * rest read here as another request (smuggling). Here such a head, a Transfer-Encoding other than
 * {@code chunked} (6.1), or two Host fields (3.2) become an invalid request, which Vert.x hands to
 * {@link InvalidRequests} (a 400, then the connection is closed); Netty discards every byte after it.
 * A broken chunk (a size that is not hexadecimal, or overflows) fails the body with a {@link MalformedFraming},
 * which {@link GraphErrorHandler} answers 400 rather than as an unexpected failure.
 *
 * <p>It also gives back, after a head with {@code Prefer: wait}, the memory Netty's parser keeps for the
 * longest header line it has read: HttpObjectDecoder copies each line into one scratch buffer
 * ({@code parserScratchBuffer}), which grows to that line (1 KB for a bearer token) and stays so for
 * the connection's life. No upstream issue asks otherwise (netty/netty, searched 2026-12-07);
 * {@code WireLibraryCanaryTest} says when Netty changes. A request held up to a minute by Prefer: wait
 * otherwise kept that KB, a ninth of what it costs (bench/README.md, the cluster's waiters); other
 * requests keep the buffer, as regrowing it for each would cost each a few copies.
 */
final class StrictRequestDecoder extends VertxHttpRequestDecoder {

  /** Netty's private field, or null where a Netty without it runs: then nothing is given back. */
  private static final VarHandle SCRATCH = scratchBuffer();

  private final int initialBufferSize;
  /** The head just read asked to wait: once Netty is done with it, shrink the scratch buffer. */
  private boolean mayBeHeld;

  StrictRequestDecoder(HttpServerOptions options) {
    super(options);
    initialBufferSize = options.getDecoderInitialBufferSize();
  }

  private static VarHandle scratchBuffer() {
    try {
      return MethodHandles.privateLookupIn(HttpObjectDecoder.class, MethodHandles.lookup())
        .findVarHandle(HttpObjectDecoder.class, "parserScratchBuffer", ByteBuf.class);
    } catch (ReflectiveOperationException | RuntimeException e) {
      LoggerFactory.getLogger(StrictRequestDecoder.class).warn("Netty's HTTP/1.x parser has no parserScratchBuffer "
        + "to shrink ({}): a request held by Prefer: wait keeps its longest header line's length of memory", e.toString());
      return null;
    }
  }

  /** The capacity of a Netty decoder's scratch buffer now, or -1 where it cannot be read. */
  static int scratchCapacity(HttpObjectDecoder decoder) {
    return SCRATCH == null ? -1 : ((ByteBuf) SCRATCH.get(decoder)).capacity();
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
    mayBeHeld = headers.contains("Prefer")
      && headers.getAll("Prefer").stream().anyMatch(prefer -> prefer.toLowerCase(Locale.ROOT).contains("wait"));
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
    if (mayBeHeld) {
      mayBeHeld = false;
      shrinkScratch();
    }
    for (int i = before; i < out.size(); i++) {
      // Only a body's part: a head Netty could not read at all comes as a (full) request, for InvalidRequests.
      if (out.get(i) instanceof HttpContent content && !(content instanceof HttpMessage)
        && content.decoderResult().isFailure()) {
        content.setDecoderResult(DecoderResult.failure(new MalformedFraming("The request's chunked body is malformed.")));
      }
    }
  }

  /** Between two calls of decode, the scratch buffer holds nothing: each line is copied whole, then read. */
  private void shrinkScratch() {
    if (SCRATCH != null) {
      ByteBuf scratch = (ByteBuf) SCRATCH.get(this);
      if (scratch.capacity() > initialBufferSize) {
        scratch.clear().capacity(initialBufferSize);
      }
    }
  }
}
