package com.contoso.lro.http;

import io.vertx.core.Future;
import io.vertx.core.json.Json;
import io.vertx.ext.web.openapi.router.RequestExtractor;
import io.vertx.json.schema.common.dsl.SchemaType;
import io.vertx.openapi.contract.Location;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.RequestUtils;
import io.vertx.openapi.validation.ValidatableRequest;
import io.vertx.openapi.validation.impl.RequestParameterImpl;

import java.util.HashMap;
import java.util.Map;

/**
 * Extracts requests for validation so that a string parameter stays the string the client sent.
 * vertx-openapi 5.0.7 reads a raw parameter as JSON first: an id "123" became the number 123 and
 * failed its string schema, and a $filter with a double quote in it could not be read at all. Every
 * string-typed path, query and header value is therefore handed over JSON-encoded, which the
 * validator decodes back to exactly what was sent.
 */
final class VerbatimStrings {

  private VerbatimStrings() {
  }

  static RequestExtractor extractor() {
    return (ctx, operation) -> RequestUtils.extract(ctx.request(), operation,
        () -> Future.succeededFuture(ctx.body().buffer()))
      .map(request -> new Request(
        request.getCookies(),
        encoded(request.getHeaders(), operation, Location.HEADER),
        encoded(request.getPathParameters(), operation, Location.PATH),
        encoded(request.getQuery(), operation, Location.QUERY),
        request.getBody(),
        request.getContentType()));
  }

  private static Map<String, RequestParameter> encoded(Map<String, RequestParameter> values, Operation operation,
                                                      Location location) {
    Map<String, RequestParameter> result = new HashMap<>(values);
    for (Parameter parameter : operation.getParameters()) {
      RequestParameter value = values.get(parameter.getName());
      if (parameter.getIn() == location && parameter.getSchemaType() == SchemaType.STRING
        && value != null && !value.isNull()) {
        result.put(parameter.getName(), new RequestParameterImpl(Json.encode(String.valueOf(value.get()))));
      }
    }
    return result;
  }

  private record Request(Map<String, RequestParameter> getCookies, Map<String, RequestParameter> getHeaders,
                         Map<String, RequestParameter> getPathParameters, Map<String, RequestParameter> getQuery,
                         RequestParameter getBody, String getContentType) implements ValidatableRequest {
  }
}
