package com.contoso.lro.http;

import io.vertx.ext.web.RoutingContext;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;

/** The contract's operation for a request, looked up once per request and kept on its context. */
final class ContractOperations {

  private static final String KEY = "contractOperation";
  static final String NO_ROUTE = "(none)";

  private ContractOperations() {
  }

  /**
   * The request's route as logs name it: its operation's path template, e.g.
   * /beta/users/{userId}/authentication/operations, never the path, which carries user and operation
   * ids; {@value #NO_ROUTE} when the contract names no operation for it.
   */
  static String routeOf(RoutingContext ctx, OpenAPIContract contract) {
    Operation operation = of(ctx, contract);
    return operation == null ? NO_ROUTE : ApiRouter.routeTemplate(contract, operation);
  }

  /** The operation, or null when the contract names no operation for this method and path. */
  static Operation of(RoutingContext ctx, OpenAPIContract contract) {
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
