package com.contoso.lro.http;

import io.vertx.ext.web.RoutingContext;

import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.ValidatableRequest;
import io.vertx.openapi.validation.impl.RequestParameterImpl;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a request's parameters for validation so that each stays what the client sent. vertx-openapi
 * 5.0.7's own extraction URL-decodes values that Vert.x has already decoded (a '+' in a $filter
 * became a space, a '%' failed), so the values come from Vert.x, decoded once. A string-typed value
 * is then checked as it is ({@link RequestValidation}).
 */
final class VerbatimParameters {

  private VerbatimParameters() {
  }

  /** The request's parameters and body, as {@link RequestValidation} checks them against {@code operation}. */
  static ValidatableRequest read(RoutingContext ctx, Operation operation) {
    Map<String, RequestParameter> cookies = new HashMap<>();
    Map<String, RequestParameter> headers = new HashMap<>();
    Map<String, RequestParameter> path = new HashMap<>();
    Map<String, RequestParameter> query = new HashMap<>();
    for (Parameter parameter : operation.getParameters()) {
      String value = raw(ctx, parameter);
      if (value == null) {
        continue;
      }
      RequestParameter verbatim = new RequestParameterImpl(value);
      switch (parameter.getIn()) {
        case COOKIE -> cookies.put(parameter.getName(), verbatim);
        case HEADER -> headers.put(parameter.getName(), verbatim);
        case PATH -> path.put(parameter.getName(), verbatim);
        case QUERY -> query.put(parameter.getName(), verbatim);
      }
    }
    return new Request(cookies, headers, path, query,
      operation.getRequestBody() == null ? null : new RequestParameterImpl(ctx.body().buffer()),
      ctx.request().getHeader("Content-Type"));
  }

  /** The value as Vert.x decoded it; a repeated query option or header is joined into one list. */
  private static String raw(RoutingContext ctx, Parameter parameter) {
    return switch (parameter.getIn()) {
      case COOKIE -> ctx.request().getCookie(parameter.getName()) == null ? null
        : ctx.request().getCookie(parameter.getName()).getValue();
      case HEADER -> {
        // RFC 9110 5.3: repeated field lines are one comma-separated list.
        List<String> lines = ctx.request().headers().getAll(parameter.getName());
        yield lines.isEmpty() ? null : String.join(", ", lines);
      }
      case PATH -> ctx.pathParam(parameter.getName());
      case QUERY -> {
        List<String> values = ctx.queryParam(parameter.getName());
        yield values.isEmpty() ? null : String.join(",", values);
      }
    };
  }

  private record Request(Map<String, RequestParameter> getCookies, Map<String, RequestParameter> getHeaders,
                         Map<String, RequestParameter> getPathParameters, Map<String, RequestParameter> getQuery,
                         RequestParameter getBody, String getContentType) implements ValidatableRequest {
  }
}
