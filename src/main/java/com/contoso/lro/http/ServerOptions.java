package com.contoso.lro.http;

import com.contoso.lro.config.AppConfig.ConnectionConfig;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;

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
      .setIdleTimeoutUnit(TimeUnit.SECONDS);
    connections.tls().ifPresent(files -> options
      .setSsl(true)
      .setKeyCertOptions(new PemKeyCertOptions()
        .setCertPath(files.certificate().toString())
        .setKeyPath(files.privateKey().toString())));
    return options;
  }
}
