package com.contoso.lro.contract;

import io.vertx.ext.web.RoutingContext;
import io.vertx.openapi.contract.Parameter;

import java.util.List;

/**
 * Reads a request's parameters for validation so that each stays what the client sent. vertx-openapi
 * 5.0.7's own extraction URL-decodes values that Vert.x has already decoded (a '+' in a $filter
 * became a space, a '%' failed), so the values come from Vert.x, decoded once. A string-typed value
 * is then checked as it is ({@link RequestValidation}).
 */
final class VerbatimParameters {

  private VerbatimParameters() {
  }

  /** The value as Vert.x decoded it, or null; a repeated query option or header is joined into one list. */
  static String value(RoutingContext ctx, Parameter parameter) {
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
}
