package com.contoso.lro.http;

import com.contoso.lro.graph.ApiException;
import io.vertx.ext.web.RoutingContext;
import io.vertx.openapi.contract.Location;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;

import java.util.Set;
import java.util.stream.Collectors;

/**
 * Refuses an OData system query option ($-prefixed) that the operation does not declare: the
 * validator ignores undeclared query parameters, but a client that sends $levels or $format
 * expects them to act, and must learn that they do not.
 */
final class QueryOptionCheck {

  private final Set<String> declared;

  private QueryOptionCheck(Set<String> declared) {
    this.declared = declared;
  }

  static QueryOptionCheck of(Operation operation) {
    return new QueryOptionCheck(operation.getParameters().stream()
      .filter(parameter -> parameter.getIn() == Location.QUERY)
      .map(Parameter::getName)
      .collect(Collectors.toUnmodifiableSet()));
  }

  /** Whether the request declares only the operation's $-options; else the context has failed with the reason. */
  boolean passes(RoutingContext ctx) {
    for (String name : ctx.queryParams().names()) {
      if (name.startsWith("$") && !declared.contains(name)) {
        ctx.fail(ApiException.badRequest("The query option '" + name + "' is not supported on this request.", name));
        return false;
      }
    }
    return true;
  }
}
