package com.contoso.lro.graph;

import io.vertx.ext.web.RoutingContext;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Absolute URLs as Graph writes them: {@code Location} headers, {@code @odata.context} and
 * {@code @odata.nextLink}. The origin is PUBLIC_BASE_URL when configured, else the scheme and host
 * the client called; the version prefix is the contract's server base path. Ids and query values
 * leave RFC 3986's unreserved characters as they are and percent-encode every other one, once.
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
    String path = reencodedPath(ctx.request().path());
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
        url.append(queryName(name)).append('=').append(query(value)).append('&');
      }
    }
    return url.append("$skiptoken=").append(query(skiptoken)).toString();
  }

  /** What the parameters that {@link #nextPage} repeats verbatim take in it; see ECHOED_QUERY_LIMIT. */
  public static int echoedLength(RoutingContext ctx) {
    int length = 0;
    for (var parameter : ctx.queryParams()) {
      if (!DROPPED.contains(parameter.getKey()) && !CANONICAL.contains(parameter.getKey())) {
        length += queryName(parameter.getKey()).length() + query(parameter.getValue()).length() + 2;
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

  /** A query parameter's name as Graph writes it: an OData option keeps its '$'. */
  static String queryName(String name) {
    return name.startsWith("$") ? "$" + percentEncoded(name.substring(1)) : percentEncoded(name);
  }

  /** A query parameter's value. */
  static String query(String value) {
    return percentEncoded(value);
  }

  /** A path segment, e.g. an id. */
  static String segment(String value) {
    return percentEncoded(value);
  }

  /** The path as the client sent it, each segment decoded and encoded again as {@link #segment} does. */
  static String reencodedPath(String path) {
    // In a path '+' is itself, not a space as in a form.
    return Arrays.stream(path.split("/", -1))
      .map(segment -> segment(URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8)))
      .collect(Collectors.joining("/"));
  }

  /**
   * RFC 3986's percent-encoding of UTF-8: its unreserved characters (A-Z a-z 0-9 - . _ ~) as they
   * are, every other byte as %XY, once. URLEncoder does the same but for its form encoding's three
   * exceptions, undone here: a space as '+' (so an input '+' is always %2B), '*' kept and '~' encoded.
   */
  static String percentEncoded(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20").replace("*", "%2A").replace("%7E", "~");
  }
}
