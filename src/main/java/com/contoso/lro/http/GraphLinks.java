package com.contoso.lro.http;

import io.vertx.ext.web.RoutingContext;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Absolute URLs as Graph writes them: {@code Location} headers and {@code @odata.context}. The origin
 * is PUBLIC_BASE_URL when configured, else the scheme and host the client called; the version
 * prefix is the contract's server base path.
 */
public final class GraphLinks {

  private final Optional<String> publicBaseUrl;
  private final String basePath;

  public GraphLinks(Optional<String> publicBaseUrl, String basePath) {
    this.publicBaseUrl = publicBaseUrl;
    this.basePath = basePath;
  }

  /** e.g. http://host:8080/beta */
  public String serviceRoot(RoutingContext ctx) {
    return publicBaseUrl.orElseGet(() -> origin(ctx)) + basePath;
  }

  /** An HTTP/1.0 request may name no host: the address it reached stands in. */
  private static String origin(RoutingContext ctx) {
    Object authority = ctx.request().authority() != null ? ctx.request().authority() : ctx.request().localAddress();
    return ctx.request().scheme() + "://" + authority;
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
