package com.contoso.lro.http;

import com.contoso.lro.auth.Caller;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Grants or refuses each operation by the permissions the contract lists under {@code x-permissions},
 * before the request is validated: a caller without the right permission learns nothing more.
 */
public final class PermissionCheck implements Handler<RoutingContext> {

  private final OpenAPIContract contract;
  private final Map<String, Required> requiredByOperation;

  public PermissionCheck(OpenAPIContract contract) {
    this.contract = contract;
    this.requiredByOperation = contract.operations().stream()
      .collect(Collectors.toMap(Operation::getOperationId, PermissionCheck::required));
  }

  @Override
  public void handle(RoutingContext ctx) {
    Operation operation = ContractOperations.of(ctx, contract);
    if (operation == null) {
      // The router can still match what the contract cannot name (a trailing slash): refuse it
      // rather than serve it unchecked.
      ctx.fail(contract.findPath(ctx.normalizedPath()) == null
        ? ApiException.of(404, "The requested resource does not exist.")
        : ApiException.of(405, "The method is not allowed on this resource."));
      return;
    }
    Required required = requiredByOperation.get(operation.getOperationId());
    Caller caller = BearerAuthentication.caller(ctx);
    if (caller.appOnly() && required.application().isEmpty()) {
      ctx.fail(ApiException.badRequest("This request is only valid with a delegated token: an app-only token has no "
        + "signed-in user."));
    } else if (!caller.hasAnyPermission(caller.appOnly() ? required.application() : required.delegated())) {
      ctx.fail(ApiException.accessDenied("This request needs one of these permissions: "
        + String.join(", ", caller.appOnly() ? required.application() : required.delegated()) + "."));
    } else {
      ctx.next();
    }
  }

  private static Required required(Operation operation) {
    Object declared = operation.getExtensions().get("x-permissions");
    if (!(declared instanceof JsonObject permissions)) {
      throw new IllegalStateException("openapi.yaml: operation " + operation.getOperationId() + " lists no x-permissions");
    }
    return new Required(strings(permissions.getJsonArray("delegated")), strings(permissions.getJsonArray("application")));
  }

  private static List<String> strings(JsonArray values) {
    return values == null ? List.of() : values.stream().map(String::valueOf).toList();
  }

  private record Required(List<String> delegated, List<String> application) {
  }
}
