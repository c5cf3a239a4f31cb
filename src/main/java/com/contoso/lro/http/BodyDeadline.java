package com.contoso.lro.http;

import com.contoso.lro.graph.ApiException;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;

import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Gives each request's body HTTP_BODY_TIMEOUT_SECONDS to arrive once its head has: a slower one is
 * answered 408 (or, when its answer has gone already, only cut) and its connection closed. The idle
 * timeout cannot do this: every chunk of a body counts as activity, so a client trickling a byte a
 * second would otherwise hold a connection, and a request, for as long as it liked.
 */
public final class BodyDeadline implements Handler<HttpServerRequest> {

  private final Vertx vertx;
  private final long timeoutMillis;
  private final Handler<HttpServerRequest> next;

  public BodyDeadline(Vertx vertx, int timeoutSeconds, Handler<HttpServerRequest> next) {
    this.vertx = vertx;
    this.timeoutMillis = TimeUnit.SECONDS.toMillis(timeoutSeconds);
    this.next = next;
  }

  @Override
  public void handle(HttpServerRequest request) {
    if (!request.isEnded() && mayHaveBody(request)) {
      long timer = vertx.setTimer(timeoutMillis, expired -> cut(request));
      // Ends, or fails when the connection closes first: either way the deadline has no more to guard.
      request.end().onComplete(ended -> vertx.cancelTimer(timer));
    }
    next.handle(request);
  }

  /**
   * Whether a body may still come: an HTTP/1.x request with neither Content-Length nor
   * Transfer-Encoding has none (RFC 9112 6.3), nor one whose Content-Length is 0, though Vert.x has
   * yet to read its end when the head is handed over. HTTP/2 says so only by ending the stream.
   */
  static boolean mayHaveBody(HttpServerRequest request) {
    if (request.version() == HttpVersion.HTTP_2) {
      return true;
    }
    String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    return request.getHeader(HttpHeaders.TRANSFER_ENCODING) != null || length != null && !"0".equals(length.trim());
  }

  private static void cut(HttpServerRequest request) {
    if (request.response().headWritten()) {
      request.connection().close();
      return;
    }
    ApiException tooSlow = new ApiException(408, "requestTimeout",
      "The request body did not arrive in time; send it again, all at once.", null, Map.of());
    request.response().putHeader(HttpHeaders.CONNECTION, "close");
    GraphErrorHandler.sendOutsideRouter(request, tooSlow).onComplete(sent -> request.connection().close());
  }
}
