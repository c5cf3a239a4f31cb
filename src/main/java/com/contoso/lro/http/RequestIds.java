package com.contoso.lro.http;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.PlatformHandler;

import java.util.UUID;

/**
 * Gives every response a fresh {@code request-id} and echoes the caller's {@code client-request-id}.
 * A platform handler, so that it runs first and even a refused body is answered with the ids.
 * A client-request-id that is not a valid field value (a control character: HTTP/2 lets them through)
 * is neither echoed nor logged; {@link UnreadableRequests} refuses the request.
 */
public final class RequestIds implements PlatformHandler {

  public static final String REQUEST_ID = "request-id";
  public static final String CLIENT_REQUEST_ID = "client-request-id";

  @Override
  public void handle(RoutingContext ctx) {
    assign(ctx);
    ctx.next();
  }

  /** Gives the response its ids; also for a request the router refused before this handler ran. */
  static void assign(RoutingContext ctx) {
    String requestId = UUID.randomUUID().toString();
    ctx.put(REQUEST_ID, requestId);
    ctx.response().putHeader(REQUEST_ID, requestId);
    String clientRequestId = clientRequestId(ctx.request());
    if (clientRequestId != null) {
      ctx.response().putHeader(CLIENT_REQUEST_ID, clientRequestId);
    }
  }

  public static String requestId(RoutingContext ctx) {
    return ctx.get(REQUEST_ID);
  }

  public static String clientRequestId(RoutingContext ctx) {
    return clientRequestId(ctx.request());
  }

  /** The caller's client-request-id, or null when it has none or one that may not be echoed. */
  static String clientRequestId(HttpServerRequest request) {
    String value = request.getHeader(CLIENT_REQUEST_ID);
    return value != null && isFieldValue(value) ? value : null;
  }

  /**
   * Whether {@code value} is a valid field value (RFC 9110 5.5): no control character but HTAB. HTTP/1.1's
   * decoder refuses CR, LF and NUL; HTTP/2's lets every one through (RFC 9113 8.2.1 says to refuse them).
   */
  static boolean isFieldValue(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if ((c < 0x20 && c != '\t') || c == 0x7f) {
        return false;
      }
    }
    return true;
  }
}
