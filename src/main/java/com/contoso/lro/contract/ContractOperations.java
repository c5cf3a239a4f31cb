package com.contoso.lro.contract;

import io.vertx.ext.web.RoutingContext;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;

/**
 * Names a request by the contract's operation for logs and metrics. The checks and handlers of an
 * operation are attached to its route and know it already; only a line about a request refused
 * before its route ran (no token, an unknown path) looks the operation up, once.
 */
public final class ContractOperations {

  private static final String KEY = "contractOperation";
  public static final String NO_ROUTE = "(none)";

  private ContractOperations() {
  }

  /** The version prefix of every path: the path of the contract's server URL. */
  public static String basePath(OpenAPIContract contract) {
    return contract.getServers().get(0).getBasePath();
  }

  /** An operation's path template under the version prefix, as metrics and the request log name it. */
  public static String routeTemplate(OpenAPIContract contract, Operation operation) {
    return basePath(contract) + operation.getOpenAPIPath();
  }

  /**
   * The request's route as logs name it: its operation's path template, e.g.
   * /beta/users/{userId}/authentication/operations, never the path, which carries user and operation
   * ids; {@value #NO_ROUTE} when the contract names no operation for it.
   */
  public static String routeOf(RoutingContext ctx, OpenAPIContract contract) {
    Operation operation = of(ctx, contract);
    return operation == null ? NO_ROUTE : routeTemplate(contract, operation);
  }

  /** Whether the contract serves the operation without a token ({@code security: []}), as $metadata. */
  public static boolean isPublic(Operation operation) {
    return operation.getSecurityRequirements().isEmpty();
  }

  /** Whether the request names an operation that the contract serves without a token. */
  public static boolean isPublic(RoutingContext ctx, OpenAPIContract contract) {
    Operation operation = of(ctx, contract);
    return operation != null && isPublic(operation);
  }

  /** Keeps the operation whose route serves the request, so that its log line need not look it up. */
  public static void put(RoutingContext ctx, Operation operation) {
    ctx.put(KEY, operation);
  }

  /** The operation, or null when the contract names no operation for this method and path. */
  private static Operation of(RoutingContext ctx, OpenAPIContract contract) {
    Operation operation = ctx.get(KEY);
    if (operation == null) {
      String path;
      try {
        path = ctx.normalizedPath();
      } catch (IllegalArgumentException undecodable) {
        // A path with a bad escape (%zz) names no operation; the router has answered it 400.
        return null;
      }
      operation = contract.findOperation(path, ctx.request().method());
      if (operation != null) {
        ctx.put(KEY, operation);
      }
    }
    return operation;
  }
}
