package com.contoso.lro.http;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.PlatformHandler;

/**
 * The one place that sets the headers that keep browsers and caches from misusing an answer, on every
 * response the service sends, whichever route or failure wrote it:
 * <ul>
 *   <li>{@code X-Content-Type-Options: nosniff} always, so a JSON error or a YAML contract is never run as a script;
 *   <li>{@code Cache-Control: no-store} on every error, and on every answer that does not say itself how it may be
 *       cached: the API's (they are one user's data), health, metrics and the served contract (it names the host
 *       that was called). The docs page and Swagger UI's files keep their own caching.
 * </ul>
 */
public final class SecurityHeaders implements PlatformHandler {

  static final String CONTENT_TYPE_OPTIONS = "X-Content-Type-Options";

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerResponse response = ctx.response();
    // When the headers are written, the status and the route's own Cache-Control are known.
    ctx.addHeadersEndHandler(written -> apply(response));
    ctx.next();
  }

  /** Also for answers written outside the router, such as {@link InvalidRequests}'s. */
  static void apply(HttpServerResponse response) {
    response.putHeader(CONTENT_TYPE_OPTIONS, "nosniff");
    if (response.getStatusCode() >= 400 || !response.headers().contains(HttpHeaders.CACHE_CONTROL)) {
      response.putHeader(HttpHeaders.CACHE_CONTROL, "no-store");
    }
  }
}
