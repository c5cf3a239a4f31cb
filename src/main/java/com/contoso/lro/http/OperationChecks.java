package com.contoso.lro.http;

import com.contoso.lro.contract.ContentTypeCheck;
import com.contoso.lro.contract.ContractOperations;
import com.contoso.lro.graph.ApiException;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * An operation's own checks, made once from the contract's operation and attached to its route:
 * whose operations the request acts on and whether the caller may ({@link PermissionCheck}), no
 * $-option the operation does not declare ({@link QueryOptionCheck}), and the body's media type
 * ({@link ContentTypeCheck}); all before the request is validated.
 */
public final class OperationChecks {

  private final OpenAPIContract contract;
  private final PermissionCheck permissions;
  private final Map<String, Checks> byOperationId;
  private final int baseSegments;
  /** Every fixed segment of the contract's paths, e.g. "$count": a parameter's value that spells one may name another path. */
  private final Set<String> fixedSegments;

  public OperationChecks(OpenAPIContract contract) {
    this.contract = contract;
    this.permissions = new PermissionCheck(contract);
    this.baseSegments = segments(ContractOperations.basePath(contract)).length;
    this.fixedSegments = contract.operations().stream().flatMap(operation -> Arrays.stream(segments(operation.getOpenAPIPath())))
      .filter(segment -> !segment.startsWith("{")).map(segment -> segment.toLowerCase(Locale.ROOT))
      .collect(Collectors.toUnmodifiableSet());
    this.byOperationId = contract.operations().stream().collect(Collectors.toMap(Operation::getOperationId,
      operation -> new Checks(operation, parameterSegments(operation), QueryOptionCheck.of(operation),
        ContentTypeCheck.of(operation))));
  }

  /** The handler of one operation's route. */
  public Handler<RoutingContext> of(Operation operation) {
    Checks route = byOperationId.get(operation.getOperationId());
    return ctx -> {
      Checks checks = route;
      if (ctx.normalizedPath().endsWith("/") || spellsFixedSegment(ctx, route)) {
        // The router takes a trailing slash as the route's own path, and a parameter as whatever
        // fills it, across methods; the contract reads such a path on its own terms (PATCH .../$count
        // is its $count path, which takes no PATCH), and its reading decides, as it always has.
        checks = named(ctx);
        if (checks == null) {
          refuseUnknown(ctx);
          return;
        }
      }
      ContractOperations.put(ctx, checks.operation());
      if (permissions.passes(ctx, checks.operation()) && checks.queryOptions().passes(ctx)
        && checks.contentType().passes(ctx)) {
        ctx.next();
      }
    };
  }

  /**
   * For a request that no operation's route took: another method on a known path, or an unknown
   * path. Refused rather than served unchecked.
   */
  public void refuseUnknown(RoutingContext ctx) {
    ctx.fail(contract.findPath(ctx.normalizedPath()) == null
      ? ApiException.of(404, "The requested resource does not exist.")
      : ApiException.of(405, "The method is not allowed on this resource."));
  }

  private boolean spellsFixedSegment(RoutingContext ctx, Checks route) {
    if (route.parameterSegments().length == 0) {
      return false;
    }
    String path = ctx.normalizedPath();
    for (int at : route.parameterSegments()) {
      String value = segment(path, baseSegments + at);
      // Decoded only when it holds an escape: a plain id, on every request, needs none.
      String decoded = value.indexOf('%') < 0 ? value : URLDecoder.decode(value.replace("+", "%2B"), StandardCharsets.UTF_8);
      if (fixedSegments.contains(decoded.toLowerCase(Locale.ROOT))) {
        return true;
      }
    }
    return false;
  }

  /** The {@code index}th non-empty segment of {@code path}, as {@link #segments} would give it, or "" when it has fewer. */
  static String segment(String path, int index) {
    int count = 0;
    int at = 0;
    while (at < path.length()) {
      if (path.charAt(at) == '/') {
        at++;
        continue;
      }
      int end = path.indexOf('/', at);
      end = end < 0 ? path.length() : end;
      if (count == index) {
        return path.substring(at, end);
      }
      count++;
      at = end;
    }
    return "";
  }

  /** Where the operation's path takes a parameter, e.g. {longRunningOperationId}, counted after the base path. */
  private static int[] parameterSegments(Operation operation) {
    String[] segments = segments(operation.getOpenAPIPath());
    return IntStream.range(0, segments.length).filter(i -> segments[i].startsWith("{")).toArray();
  }

  static String[] segments(String path) {
    return Arrays.stream(path.split("/")).filter(segment -> !segment.isEmpty()).toArray(String[]::new);
  }

  private Checks named(RoutingContext ctx) {
    Operation operation = contract.findOperation(ctx.normalizedPath(), ctx.request().method());
    return operation == null ? null : byOperationId.get(operation.getOperationId());
  }

  private record Checks(Operation operation, int[] parameterSegments, QueryOptionCheck queryOptions,
                        ContentTypeCheck contentType) {
  }
}
