package com.contoso.lro.http;

import com.contoso.lro.config.AppConfig.ConnectionConfig;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.tracing.TracingPolicy;

import java.util.concurrent.TimeUnit;

/**
 * The HTTP server's limits, TLS and timeouts. Requests over the limits never reach a route:
 * {@link InvalidRequests} answers them.
 */
public final class ServerOptions {

  /** The longest request line (method, URL, version); a longer one is a 414. */
  public static final int MAX_REQUEST_LINE_BYTES = 8 * 1024;
  /** The largest header section; a larger one is a 431. */
  public static final int MAX_HEADER_BYTES = 8 * 1024;
  /**
   * HTTP/2's SETTINGS_MAX_HEADER_LIST_SIZE, what Netty decodes of a request's header block (at 32 bytes a field
   * more than the bytes): room for a request line and a header section just over the limits above, which
   * {@link Http2HeadLimits} then answers in Graph's shape. Over it, Netty answers a bare 431 itself.
   */
  public static final int HTTP2_MAX_HEADER_LIST_BYTES = 2 * (MAX_REQUEST_LINE_BYTES + MAX_HEADER_BYTES);

  private ServerOptions() {
  }

  public static HttpServerOptions of(int port, ConnectionConfig connections) {
    HttpServerOptions options = new HttpServerOptions()
      .setPort(port)
      .setMaxInitialLineLength(MAX_REQUEST_LINE_BYTES)
      .setMaxHeaderSize(MAX_HEADER_BYTES)
      // Vert.x counts decoded HTTP messages, not bytes, as activity: a request head sent a byte at a
      // time is no activity until it is whole, so this also cuts a client that sends its head slowly.
      .setIdleTimeout(connections.idleTimeoutSeconds())
      .setIdleTimeoutUnit(TimeUnit.SECONDS)
      // When traces are on (tracing/Tracing), every request is a span: it continues the caller's traceparent, or
      // starts a trace. Without a tracer, no policy costs anything.
      .setTracingPolicy(TracingPolicy.ALWAYS)
      // The service serves no WebSockets: without their compression, no extension handler sits in every
      // HTTP/1.x connection's pipeline, read by each request and kept by each held long-poll.
      .setPerFrameWebSocketCompressionSupported(false)
      .setPerMessageWebSocketCompressionSupported(false);
    options.getInitialSettings().setMaxHeaderListSize(HTTP2_MAX_HEADER_LIST_BYTES);
    options
      // No HTTP/2 in cleartext: to detect it, Vert.x hands a cleartext connection to its HTTP/1.x code only once
      // its own decoder has read the first request's head, too late for ConnectionSetup's StrictRequestDecoder,
      // and that first request is the one a smuggling attack sends. HTTP/2 is offered over TLS, by ALPN.
      .setHttp2ClearTextEnabled(false)
      // Every response is written on its connection's event loop, so an HTTP/1.x connection can write
      // straight to Netty: otherwise each one keeps a queue for writes from other threads whose first
      // chunk is 4 KB, a third of the heap a held long-poll cost (bench/README.md, the cluster's waiters).
      // Vert.x drops a write from any other thread: DatabaseTimeout answers on the caller's loop, and
      // GraphErrorHandler moves an error there (ConnectionThread).
      .setStrictThreadMode(true);
    connections.tls().ifPresent(files -> options
      .setSsl(true)
      .setUseAlpn(true)
      .setKeyCertOptions(new PemKeyCertOptions()
        .setCertPath(files.certificate().toString())
        .setKeyPath(files.privateKey().toString())));
    return options;
  }
}
