package com.contoso.lro;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.Json;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.impl.ClientPhase;
import io.vertx.ext.web.client.impl.WebClientInternal;
import io.vertx.json.schema.JsonSchemaValidationException;
import io.vertx.openapi.contract.MediaType;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Response;
import io.vertx.openapi.validation.ResponseValidator;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatableResponse;

import io.vertx.core.json.JsonObject;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Checks every response that a test receives against openapi.yaml, success or error, with
 * vertx-openapi's ResponseValidator, and that every header it carries is declared for it (the
 * validator checks only the declared ones): a response the contract does not describe fails the
 * request, and so the test that made it.
 */
public final class ContractConformance {

  private static final String XML = "application/xml";

  private final OpenAPIContract contract;
  private final ResponseValidator validator;
  /** openapi.yaml as written: the loaded contract lacks the media types vertx-openapi cannot load (XML). */
  private final JsonObject file;

  ContractConformance(OpenAPIContract contract, ResponseValidator validator, JsonObject file) {
    this.contract = contract;
    this.validator = validator;
    this.file = file;
  }

  /** Makes {@code client} fail any response to a contract operation that the contract does not allow. */
  void enforce(WebClient client) {
    ((WebClientInternal) client).addInterceptor(ctx -> {
      if (ctx.phase() != ClientPhase.DISPATCH_RESPONSE) {
        ctx.next();
        return;
      }
      HttpResponse<?> response = ctx.response();
      Map<String, String> headers = new HashMap<>();
      response.headers().forEach(header -> headers.put(header.getKey(), header.getValue()));
      check(ctx.request().method().name(), ctx.request().uri(), response.statusCode(), headers,
        response.body() instanceof Buffer buffer ? buffer : null)
        .onComplete(checked -> {
          if (checked.succeeded()) {
            ctx.next();
          } else {
            ctx.fail(checked.cause());
          }
        });
    });
  }

  /**
   * Fails with an AssertionError when the response does not match the contract's description of
   * the operation that {@code method} and {@code uri} name; succeeds for a path the contract lacks.
   */
  public Future<Void> check(String method, String uri, int status, Map<String, String> headers, Buffer body) {
    int query = uri.indexOf('?');
    Operation operation = contract.findOperation(query < 0 ? uri : uri.substring(0, query), HttpMethod.valueOf(method));
    if (operation == null) {
      return Future.succeededFuture();
    }
    String contentType = headers.entrySet().stream().filter(header -> header.getKey().equalsIgnoreCase("Content-Type"))
      .map(Map.Entry::getValue).findFirst().orElse(null);
    String undeclared = undeclaredHeaders(operation, status, headers);
    Future<?> validated = undeclared != null
      ? Future.failedFuture(undeclared)
      : contentType != null && contentType.startsWith("text/plain")
      ? validatePlainText(operation, status, body)
      : contentType != null && contentType.startsWith(XML)
      ? validateXml(operation, method, status, body)
      : validate(operation, status, headers, body, contentType);
    return validated.<Void>mapEmpty().recover(failure -> Future.failedFuture(new AssertionError("The " + status
      + " answer to " + operation.getOperationId() + " does not match openapi.yaml: " + reason(failure)
      + "\nbody: " + (body == null ? "" : body.toString()))));
  }

  /**
   * Why the response carries a header that its description in the contract (the status's, else the
   * operation's {@code default}) does not declare, or null when it carries none. HTTP's own framing
   * is no response's to declare, and OpenAPI says to ignore a declared Content-Type.
   */
  private static String undeclaredHeaders(Operation operation, int status, Map<String, String> headers) {
    Response declared = operation.getResponse(status) != null ? operation.getResponse(status) : operation.getDefaultResponse();
    if (declared == null) {
      return null; // the validator says that the status itself is not declared
    }
    Set<String> names = declared.getHeaders().stream().map(header -> header.getName().toLowerCase(Locale.ROOT))
      .collect(Collectors.toSet());
    List<String> undeclared = headers.keySet().stream().map(name -> name.toLowerCase(Locale.ROOT))
      .filter(name -> !name.startsWith(":") && !TRANSPORT_HEADERS.contains(name) && !names.contains(name))
      .sorted().toList();
    return undeclared.isEmpty() ? null : "it sends headers that the response does not declare: " + undeclared;
  }

  /** Headers of HTTP's framing, and Content-Type, which the media type declares. */
  private static final Set<String> TRANSPORT_HEADERS =
    Set.of("content-type", "content-length", "transfer-encoding", "connection", "keep-alive", "date");

  private Future<?> validate(Operation operation, int status, Map<String, String> headers, Buffer body,
                             String contentType) {
    Map<String, String> quoted = new HashMap<>();
    // vertx-openapi turns a header into a string by wrapping it in quotes, unescaped: a value with
    // a quote in it (WWW-Authenticate: Bearer error="invalid_token") must arrive JSON-encoded.
    headers.forEach((name, value) -> quoted.put(name, value.contains("\"") ? Json.encode(value) : value));
    return validator.validate(ValidatableResponse.create(status, quoted,
      body != null && body.length() > 0 ? body : null, contentType), operation.getOperationId());
  }

  /**
   * vertx-openapi 5.0.7 cannot check a text/plain body against its schema (it hands the validator
   * a Buffer); this does what it would: the body, read as a JSON value, against the response's schema.
   */
  private Future<?> validatePlainText(Operation operation, int status, Buffer body) {
    Response declared = operation.getResponse(status);
    MediaType mediaType = declared == null ? null : declared.getContent().get("text/plain");
    if (mediaType == null) {
      return Future.failedFuture("no text/plain response " + status + " is declared");
    }
    try {
      contract.getSchemaRepository().validator(mediaType.getSchema())
        .validate(Json.decodeValue(body == null ? "" : body.toString())).checkValidity();
      return Future.succeededFuture();
    } catch (RuntimeException | JsonSchemaValidationException e) {
      return Future.failedFuture(e);
    }
  }

  /**
   * vertx-openapi 5.0.7 cannot load an XML response (ContractLoader leaves it out of the contract it
   * loads): the file must declare it for this status, as a string, and the body must be well-formed XML.
   */
  private Future<?> validateXml(Operation operation, String method, int status, Buffer body) {
    JsonObject response = file.getJsonObject("paths").getJsonObject(operation.getOpenAPIPath())
      .getJsonObject(method.toLowerCase(Locale.ROOT)).getJsonObject("responses").getJsonObject(String.valueOf(status));
    if (response != null && response.containsKey("$ref")) {
      String ref = response.getString("$ref");
      response = file.getJsonObject("components").getJsonObject("responses").getJsonObject(ref.substring(ref.lastIndexOf('/') + 1));
    }
    JsonObject declared = response == null ? null : response.getJsonObject("content", new JsonObject()).getJsonObject(XML);
    if (declared == null || !"string".equals(declared.getJsonObject("schema", new JsonObject()).getString("type"))) {
      return Future.failedFuture("no " + XML + " response " + status + " is declared as a string");
    }
    try {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setNamespaceAware(true);
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      factory.newDocumentBuilder().parse(new ByteArrayInputStream(body == null ? new byte[0] : body.getBytes()));
      return Future.succeededFuture();
    } catch (Exception notXml) {
      return Future.failedFuture(notXml);
    }
  }

  private static String reason(Throwable failure) {
    if (failure instanceof SchemaValidationException schema) {
      return failure.getMessage() + " " + schema.getOutputUnit().getErrors();
    }
    return failure.getMessage();
  }
}
