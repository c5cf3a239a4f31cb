package com.contoso.lro.graph;

import io.vertx.ext.web.RoutingContext;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

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
   * The most that a list's parameters repeated verbatim in @odata.nextLink ($filter, and any that
   * is not an OData option) may take, percent-encoded with their names; a list over it is refused
   * (see {@link #echoedLength}), so that the link stays under 2,048 characters with the rest of it
   * bounded: the path, the other options (from the contract's lists, each once) and $skiptoken.
   */
  public static final int ECHOED_QUERY_LIMIT = 800;
  /** A longer path as called (a long userId) is written in the link as /users/{owner}. */
  static final int LONGEST_PATH = 160;
  /** Options whose values the contract bounds: written once each, duplicates dropped. */
  private static final Set<String> CANONICAL = Set.of("$orderby", "$select", "$expand", "$top", "$count");
  private static final Set<String> DROPPED = Set.of("$skip", "$skiptoken");

  /**
   * @odata.nextLink: this request's URL with every query option it had but $skip, which the first
   * page has used, and with the next page's $skiptoken.
   *
   * @param ownerId whose operations the list shows, for a path too long to repeat
   */
  public String nextPage(RoutingContext ctx, String ownerId, String skiptoken) {
    String path = ctx.request().path();
    if (path.length() > LONGEST_PATH) {
      path = basePath + "/users/" + segment(ownerId) + "/authentication/operations";
    }
    StringBuilder url = new StringBuilder(publicBaseUrl.orElseGet(() -> origin(ctx))).append(path).append('?');
    for (String name : ctx.queryParams().names()) {
      if (DROPPED.contains(name)) {
        continue;
      }
      for (String value : CANONICAL.contains(name) ? List.of(canonical(name, ctx.queryParams().getAll(name)))
        : ctx.queryParams().getAll(name)) {
        url.append(query(name)).append('=').append(query(value)).append('&');
      }
    }
    return url.append("$skiptoken=").append(query(skiptoken)).toString();
  }

  /** What the parameters that {@link #nextPage} repeats verbatim take in it; see ECHOED_QUERY_LIMIT. */
  public static int echoedLength(RoutingContext ctx) {
    int length = 0;
    for (var parameter : ctx.queryParams()) {
      if (!DROPPED.contains(parameter.getKey()) && !CANONICAL.contains(parameter.getKey())) {
        length += query(parameter.getKey()).length() + query(parameter.getValue()).length() + 2;
      }
    }
    return length;
  }

  /** A list option's distinct items, or a single option's first value, as the contract reads them. */
  private static String canonical(String name, List<String> values) {
    if (name.equals("$top") || name.equals("$count")) {
      String value = values.get(0).trim();
      try {
        return name.equals("$top") ? String.valueOf(Integer.parseInt(value)) : String.valueOf(Boolean.parseBoolean(value));
      } catch (NumberFormatException e) {
        return value;
      }
    }
    Set<String> items = new LinkedHashSet<>();
    values.forEach(value -> Arrays.stream(value.split(",")).map(String::trim).forEach(items::add));
    return String.join(",", items);
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
