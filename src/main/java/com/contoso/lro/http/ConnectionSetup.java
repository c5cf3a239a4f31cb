package com.contoso.lro.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.impl.ConnectionBase;

import java.util.concurrent.TimeUnit;

/**
 * Fits each new connection's Netty pipeline with what Vert.x 5.0.7 lacks (Vert.x gives no public hook;
 * this reaches its channel through {@code io.vertx.core.net.impl.ConnectionBase}, and the canaries in
 * {@code WireLibraryCanaryTest} say when a Vert.x upgrade makes a part unneeded):
 * <ul>
 *   <li>HTTP/1.x: {@link StrictRequestDecoder} in place of Vert.x's decoder, before the connection's first byte is
 *       read (so only with HTTP/2 in cleartext disabled: see {@link ServerOptions}), and a handler that flushes
 *       what has been written before Vert.x closes the connection, so that the 400 for a broken chunk,
 *       written as Vert.x fails the request, leaves before the close rather than being dropped;
 *   <li>HTTP/2: an idle timeout counted in streams. Vert.x's (HTTP_IDLE_TIMEOUT_SECONDS) sits under the
 *       HTTP/2 codec and counts bytes, so PINGs (or SETTINGS, WINDOW_UPDATE) keep a connection open for
 *       ever; this one closes it when no stream has been open for the idle timeout.
 * </ul>
 */
public final class ConnectionSetup implements Handler<HttpConnection> {

  private final HttpServerOptions options;
  private final long idleTimeoutNanos;

  public ConnectionSetup(HttpServerOptions options) {
    this.options = options;
    this.idleTimeoutNanos = options.getIdleTimeoutUnit().toNanos(options.getIdleTimeout());
  }

  @Override
  public void handle(HttpConnection connection) {
    if (!(connection instanceof ConnectionBase base)) {
      return;
    }
    Channel channel = base.channel();
    ChannelPipeline pipeline = channel.pipeline();
    if (pipeline.get(HttpRequestDecoder.class) != null) {
      pipeline.replace(HttpRequestDecoder.class, "httpDecoder", new StrictRequestDecoder(options));
      pipeline.addBefore("handler", "flushBeforeClose", new FlushBeforeClose());
    }
    Http2ConnectionHandler http2 = pipeline.get(Http2ConnectionHandler.class);
    if (http2 != null && idleTimeoutNanos > 0) {
      new StreamIdleTimeout(connection, channel, http2.connection(), idleTimeoutNanos).start();
    }
  }

  /** Vert.x closes a connection whose request fails to decode right after the request's handlers ran. */
  private static final class FlushBeforeClose extends ChannelOutboundHandlerAdapter {
    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
      ctx.flush();
      ctx.close(promise);
    }
  }

  /** Closes an HTTP/2 connection once no stream has been open on it for the idle timeout. */
  private static final class StreamIdleTimeout extends Http2ConnectionAdapter {

    private final HttpConnection connection;
    private final Channel channel;
    private final Http2Connection http2;
    private final long timeoutNanos;
    private long lastActivity = System.nanoTime();
    private ScheduledFuture<?> check;

    StreamIdleTimeout(HttpConnection connection, Channel channel, Http2Connection http2, long timeoutNanos) {
      this.connection = connection;
      this.channel = channel;
      this.http2 = http2;
      this.timeoutNanos = timeoutNanos;
    }

    void start() {
      http2.addListener(this);
      schedule(timeoutNanos);
      channel.closeFuture().addListener(closed -> check.cancel(false));
    }

    @Override
    public void onStreamActive(Http2Stream stream) {
      lastActivity = System.nanoTime();
    }

    @Override
    public void onStreamClosed(Http2Stream stream) {
      lastActivity = System.nanoTime();
    }

    private void schedule(long delayNanos) {
      check = channel.eventLoop().schedule(this::check, delayNanos, TimeUnit.NANOSECONDS);
    }

    private void check() {
      if (http2.numActiveStreams() > 0) {
        schedule(timeoutNanos);
        return;
      }
      long idle = System.nanoTime() - lastActivity;
      if (idle >= timeoutNanos) {
        connection.close();
      } else {
        schedule(timeoutNanos - idle);
      }
    }
  }
}
