package com.contoso.lro;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.Json;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.impl.ClientPhase;
import io.vertx.ext.web.client.impl.HttpContext;
import io.vertx.ext.web.client.impl.WebClientInternal;
import io.vertx.json.schema.JsonSchemaValidationException;
import io.vertx.openapi.contract.MediaType;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Response;
import io.vertx.openapi.validation.ResponseValidator;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatableResponse;

import java.util.HashMap;
import java.util.Map;

/**
 * Checks every response that a test receives against openapi.yaml, success or error, with
 * vertx-openapi's ResponseValidator: a response the contract does not describe fails the request,
 * and so the test that made it.
 */
final class ContractConformance {

  private ContractConformance() {
  }

  /** Makes {@code client} fail any response to a contract operation that the contract does not allow. */
  static void enforce(WebClient client, OpenAPIContract contract, ResponseValidator validator) {
    ((WebClientInternal) client).addInterceptor(ctx -> {
      if (ctx.phase() != ClientPhase.DISPATCH_RESPONSE) {
        ctx.next();
        return;
      }
      Operation operation = contract.findOperation(path(ctx), HttpMethod.valueOf(ctx.request().method().name()));
      if (operation == null) {
        ctx.next();
        return;
      }
      Future<?> validated = isPlainText(ctx.response())
        ? validatePlainText(contract, operation, ctx.response())
        : validate(validator, operation, ctx.response());
      validated.onComplete(checked -> {
        if (checked.succeeded()) {
          ctx.next();
        } else {
          ctx.fail(new AssertionError("The " + ctx.response().statusCode() + " answer to " + operation.getOperationId()
            + " does not match openapi.yaml: " + reason(checked.cause()) + "\nbody: " + ctx.response().bodyAsString()));
        }
      });
    });
  }

  private static Future<?> validate(ResponseValidator validator, Operation operation, HttpResponse<?> response) {
    Map<String, String> headers = new HashMap<>();
    // vertx-openapi turns a header into a string by wrapping it in quotes, unescaped: a value with
    // a quote in it (WWW-Authenticate: Bearer error="invalid_token") must arrive JSON-encoded.
    response.headers().forEach(header -> headers.put(header.getKey(),
      header.getValue().contains("\"") ? Json.encode(header.getValue()) : header.getValue()));
    Object body = response.body();
    return validator.validate(ValidatableResponse.create(response.statusCode(), headers,
      body instanceof Buffer buffer && buffer.length() > 0 ? buffer : null, response.getHeader("Content-Type")),
      operation.getOperationId());
  }

  private static boolean isPlainText(HttpResponse<?> response) {
    String contentType = response.getHeader("Content-Type");
    return contentType != null && contentType.startsWith("text/plain");
  }

  /**
   * vertx-openapi 5.0.7 cannot check a text/plain body against its schema (it hands the validator
   * a Buffer); this does what it would: the body, read as a JSON value, against the response's schema.
   */
  private static Future<?> validatePlainText(OpenAPIContract contract, Operation operation, HttpResponse<?> response) {
    Response declared = operation.getResponse(response.statusCode());
    MediaType mediaType = declared == null ? null : declared.getContent().get("text/plain");
    if (mediaType == null) {
      return Future.failedFuture("no text/plain response " + response.statusCode() + " is declared");
    }
    try {
      contract.getSchemaRepository().validator(mediaType.getSchema())
        .validate(Json.decodeValue(response.bodyAsString())).checkValidity();
      return Future.succeededFuture();
    } catch (RuntimeException | JsonSchemaValidationException e) {
      return Future.failedFuture(e);
    }
  }

  private static String path(HttpContext<?> ctx) {
    String uri = ctx.request().uri();
    int query = uri.indexOf('?');
    return query < 0 ? uri : uri.substring(0, query);
  }

  private static String reason(Throwable failure) {
    if (failure instanceof SchemaValidationException schema) {
      return failure.getMessage() + " " + schema.getOutputUnit().getErrors();
    }
    return failure.getMessage();
  }
}
