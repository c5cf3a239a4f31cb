package com.contoso.lro.http;

import com.contoso.lro.auth.Caller;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.PlatformHandler;
import io.vertx.openapi.contract.OpenAPIContract;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;


import static net.logstash.logback.argument.StructuredArguments.kv;

/**
 * One log line per request when its response is sent: method, route template, status, duration,
 * request-id, client-request-id, and a hash of the user, never the user's id or token.
 */
final class RequestLog implements PlatformHandler {

  private static final Logger LOG = LoggerFactory.getLogger(RequestLog.class);

  private final OpenAPIContract contract;

  RequestLog(OpenAPIContract contract) {
    this.contract = contract;
  }

  /** Starts timing the request; the line is written when the response has been sent. */
  @Override
  public void handle(RoutingContext ctx) {
    long started = System.nanoTime();
    ctx.addBodyEndHandler(sent -> {
      Caller caller = BearerAuthentication.caller(ctx);
      LOG.info("{} {} {} {}ms", kv("method", RequestMethods.named(ctx.request().method().name())),
        kv("route", ContractOperations.routeOf(ctx, contract)),
        kv("status", ctx.response().getStatusCode()),
        kv("durationMs", (System.nanoTime() - started) / 1_000_000),
        kv("request-id", RequestIds.requestId(ctx)),
        kv("client-request-id", RequestIds.clientRequestId(ctx)),
        kv("user", caller == null ? null : caller.pseudonym()));
    });
    ctx.next();
  }
}
