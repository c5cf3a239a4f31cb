package com.contoso.lro.http;

import io.vertx.ext.web.RoutingContext;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Absolute URLs as Graph writes them: {@code Location} headers and {@code @odata.context}. The host is
 * the one the client called; the version prefix is the contract's server base path.
 */
public final class GraphLinks {

  private final String basePath;

  public GraphLinks(String basePath) {
    this.basePath = basePath;
  }

  /** e.g. http://host:8080/beta */
  public String serviceRoot(RoutingContext ctx) {
    return ctx.request().scheme() + "://" + ctx.request().authority() + basePath;
  }

  /** The canonical URL of one operation: .../users/{userId}/authentication/operations/{id} */
  public String operation(RoutingContext ctx, String userId, String id) {
    return serviceRoot(ctx) + "/users/" + segment(userId) + "/authentication/operations/" + segment(id);
  }

  /** @odata.context of one operation of a user. */
  public String operationEntityContext(RoutingContext ctx, String userId) {
    return serviceRoot(ctx) + "/$metadata#users('" + segment(userId) + "')/authentication/operations/$entity";
  }

  private static String segment(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
