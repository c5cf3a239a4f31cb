package com.contoso.lro.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import io.vertx.openapi.contract.Location;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;

import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Refuses an OData system query option ($-prefixed) that the operation does not declare: the
 * validator ignores undeclared query parameters, but a client that sends $levels or $format
 * expects them to act, and must learn that they do not.
 */
public final class QueryOptionCheck implements Handler<RoutingContext> {

  private final OpenAPIContract contract;
  private final Map<String, Set<String>> optionsByOperation;

  public QueryOptionCheck(OpenAPIContract contract) {
    this.contract = contract;
    this.optionsByOperation = contract.operations().stream().collect(Collectors.toMap(Operation::getOperationId,
      operation -> operation.getParameters().stream()
        .filter(parameter -> parameter.getIn() == Location.QUERY)
        .map(Parameter::getName)
        .collect(Collectors.toUnmodifiableSet())));
  }

  @Override
  public void handle(RoutingContext ctx) {
    Set<String> declared = optionsByOperation.get(ContractOperations.of(ctx, contract).getOperationId());
    for (String name : ctx.queryParams().names()) {
      if (name.startsWith("$") && !declared.contains(name)) {
        ctx.fail(ApiException.badRequest("The query option '" + name + "' is not supported on this request.", name));
        return;
      }
    }
    ctx.next();
  }
}
