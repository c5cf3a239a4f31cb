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

  /** @odata.context of a user's operations. */
  public String operationsContext(RoutingContext ctx, String userId) {
    return serviceRoot(ctx) + "/$metadata#users('" + segment(userId) + "')/authentication/operations";
  }

  /**
   * @odata.nextLink: this request's URL with every query option it had but $skip, which the first
   * page has used, and with the next page's $skiptoken.
   */
  public String nextPage(RoutingContext ctx, String skiptoken) {
    StringBuilder url = new StringBuilder(publicBaseUrl.orElseGet(() -> origin(ctx))).append(ctx.request().path()).append('?');
    ctx.queryParams().forEach((name, value) -> {
      if (!name.equals("$skip") && !name.equals("$skiptoken")) {
        url.append(query(name)).append('=').append(query(value)).append('&');
      }
    });
    return url.append("$skiptoken=").append(query(skiptoken)).toString();
  }

  /** @odata.context of one operation of a user. */
  public String operationEntityContext(RoutingContext ctx, String userId) {
    return serviceRoot(ctx) + "/$metadata#users('" + segment(userId) + "')/authentication/operations/$entity";
  }

  /** A query component as Graph writes it: '$' stays readable, spaces are %20. */
  private static String query(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20").replace("%24", "$");
  }

  private static String segment(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
