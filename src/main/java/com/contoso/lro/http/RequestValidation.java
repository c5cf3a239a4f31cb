package com.contoso.lro.http;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.ValidatableRequest;
import io.vertx.openapi.validation.impl.RequestValidatorImpl;
import io.vertx.openapi.validation.impl.ValidatedRequestImpl;

import java.util.HashMap;
import java.util.Map;

/**
 * Validates each request against its operation in the contract, on the event loop, and hands the
 * validated values on as vertx-web-openapi-router's own validation does. That validation runs
 * through an ordered {@code executeBlocking}: two thread hops per request, and one event loop's
 * requests validated one after another on a worker. The checks are vertx-openapi's own, against the
 * validators {@link CompiledSchemas} made once; none of them blocks.
 */
final class RequestValidation {

  private final RequestValidatorImpl checks;

  RequestValidation(Vertx vertx, OpenAPIContract contract) {
    this.checks = new RequestValidatorImpl(vertx, contract);
  }

  /** The handler that validates the requests of one operation. */
  Handler<RoutingContext> of(Operation operation) {
    return ctx -> {
      ValidatedRequestImpl validated;
      try {
        validated = validate(VerbatimParameters.read(ctx, operation), operation);
      } catch (RuntimeException invalid) {
        ctx.fail(invalid);
        return;
      }
      ctx.put(RouterBuilder.KEY_META_DATA_VALIDATED_REQUEST, validated);
      ctx.next();
    };
  }

  private ValidatedRequestImpl validate(ValidatableRequest request, Operation operation) {
    Map<String, RequestParameter> cookies = new HashMap<>();
    Map<String, RequestParameter> headers = new HashMap<>();
    Map<String, RequestParameter> path = new HashMap<>();
    Map<String, RequestParameter> query = new HashMap<>();
    for (Parameter parameter : operation.getParameters()) {
      String name = parameter.getName();
      switch (parameter.getIn()) {
        case COOKIE -> cookies.put(name, checks.validateParameter(parameter, request.getCookies().get(name)));
        case HEADER -> headers.put(name, checks.validateParameter(parameter, request.getHeaders().get(name)));
        case PATH -> path.put(name, checks.validateParameter(parameter, request.getPathParameters().get(name)));
        case QUERY -> query.put(name, checks.validateParameter(parameter, request.getQuery().get(name)));
      }
    }
    return new ValidatedRequestImpl(cookies, headers, path, query,
      checks.validateBody(operation.getRequestBody(), request));
  }
}
