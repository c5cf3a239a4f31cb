package com.contoso.lro.http;

import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.PlatformHandler;

import java.util.UUID;

/**
 * Gives every response a fresh {@code request-id} and echoes the caller's {@code client-request-id}.
 * A platform handler, so that it runs first and even a refused body is answered with the ids.
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
    String clientRequestId = ctx.request().getHeader(CLIENT_REQUEST_ID);
    if (clientRequestId != null) {
      ctx.response().putHeader(CLIENT_REQUEST_ID, clientRequestId);
    }
  }

  public static String requestId(RoutingContext ctx) {
    return ctx.get(REQUEST_ID);
  }

  public static String clientRequestId(RoutingContext ctx) {
    return ctx.request().getHeader(CLIENT_REQUEST_ID);
  }
}
