package com.contoso.lro.contract;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.ValidatableRequest;
import io.vertx.openapi.validation.ValidatorException;
import io.vertx.openapi.validation.impl.RequestParameterImpl;
import io.vertx.openapi.validation.impl.RequestValidatorImpl;
import io.vertx.openapi.validation.transformer.FormTransformer;
import io.vertx.openapi.validation.transformer.SimpleTransformer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static com.contoso.lro.TestService.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Canaries: the defects of vertx-openapi 5.0.7 that this package works around (package-info lists
 * each, its upstream issue and what to delete once fixed), each shown on the library alone against
 * openapi.yaml. Each test asserts the defect; when one fails after an upgrade, the library has
 * changed, and its workaround may go.
 */
@ExtendWith(VertxExtension.class)
class OpenApiLibraryCanaryTest {

  private static OpenAPIContract contract;
  private static RequestValidatorImpl validator;

  @BeforeAll
  static void loadTheContract(Vertx vertx) {
    contract = await(ContractLoader.load(vertx));
    validator = new RequestValidatorImpl(vertx, contract);
  }

  /** Worked around by RequestValidation, which validates on the event loop. */
  @Test
  void validation_runs_on_a_worker_thread() {
    AtomicReference<String> readOn = new AtomicReference<>();
    ValidatableRequest request = new Request(Map.of(), Map.of(),
      Map.of("longRunningOperationId", new RequestParameterImpl("op-1")), Map.of(), null, null) {
      @Override
      public Map<String, RequestParameter> getPathParameters() {
        readOn.compareAndSet(null, Thread.currentThread().getName());
        return super.getPathParameters();
      }
    };
    await(validator.validate(request, "getMyOperation"));

    assertThat(readOn.get()).startsWith("vert.x-worker-thread");
  }

  /** Worked around by VerbatimParameters, which takes the values as Vert.x decoded them. */
  @Test
  void a_query_value_is_url_decoded_a_second_time(Vertx vertx) {
    Operation list = contract.operation("listMyOperations");
    HttpServer server = await(vertx.createHttpServer().requestHandler(request -> {
      try {
        ValidatableRequest.of(request, list).onComplete(extracted -> request.response().end(extracted.succeeded()
          ? String.valueOf(extracted.result().getQuery().get("$filter").get())
          : "refused: " + extracted.cause().getMessage()));
      } catch (RuntimeException e) {
        request.response().end("refused: " + e.getMessage());
      }
    }).listen(0));
    try {
      WebClient client = WebClient.create(vertx);
      // Vert.x decodes "a%2Bb" to "a+b"; a second decoding makes it "a b". "%25" fails the second decoding.
      assertThat(await(client.get(server.actualPort(), "localhost", "/me?$filter=a%2Bb").send()).bodyAsString())
        .isEqualTo("a b");
      assertThat(await(client.get(server.actualPort(), "localhost", "/me?$filter=100%25").send()).bodyAsString())
        .startsWith("refused");
    } finally {
      await(server.close());
    }
  }

  /**
   * Worked around by RequestValidation, which checks a string parameter as it was sent and hands only
   * the others to the transformer of their style: read as JSON, a quoted value loses its quotes, a
   * quote that does not close is refused, and an id 12.5 becomes a number.
   */
  @Test
  void a_string_parameter_is_read_as_json_by_the_transformer_of_its_style() {
    Parameter filter = parameter("listMyOperations", "$filter");
    Parameter id = parameter("getMyOperation", "longRunningOperationId");

    assertThat(new FormTransformer().transform(filter, "\"running\"")).isEqualTo("running");
    assertThatThrownBy(() -> new FormTransformer().transform(filter, "\"open"))
      .isInstanceOf(ValidatorException.class).hasMessageContaining("can't be decoded");
    assertThat(new SimpleTransformer().transform(id, "12.5")).isEqualTo(12.5);
  }

  /**
   * Worked around by writing openapi.yaml in OpenAPI 3.1, where null is a type: the tests check every
   * response with the library's ResponseValidator.
   */
  @Test
  void openapi_3_0_nullable_is_ignored(Vertx vertx) {
    JsonObject file = new JsonObject().put("openapi", "3.0.3")
      .put("info", new JsonObject().put("title", "canary").put("version", "1"))
      .put("paths", new JsonObject().put("/things", new JsonObject().put("post", new JsonObject()
        .put("operationId", "createThing")
        .put("requestBody", new JsonObject().put("content", new JsonObject().put("application/json",
          new JsonObject().put("schema", new JsonObject().put("type", "object").put("properties",
            new JsonObject().put("note", new JsonObject().put("type", "string").put("nullable", true)))))))
        .put("responses", new JsonObject().put("204", new JsonObject().put("description", "done"))))));
    OpenAPIContract old = await(OpenAPIContract.from(vertx, file));

    assertThatThrownBy(() -> new RequestValidatorImpl(vertx, old).validateBody(
      old.operation("createThing").getRequestBody(), body("{\"note\": null}", "application/json")))
      .isInstanceOf(ValidatorException.class);
  }

  /** Worked around by ContractLoader.withoutUnsupportedResponseMedia, which leaves $metadata's XML out of what the library loads. */
  @Test
  void a_contract_with_an_xml_response_does_not_load(Vertx vertx) {
    ServedContract file = await(ContractLoader.read(vertx));

    assertThatThrownBy(() -> await(OpenAPIContract.from(vertx, file.tree())))
      .hasMessageContaining("unsupported media type");
  }

  private static Parameter parameter(String operationId, String name) {
    return contract.operation(operationId).getParameters().stream()
      .filter(parameter -> parameter.getName().equals(name)).findFirst().orElseThrow();
  }

  private static ValidatableRequest body(String json, String contentType) {
    return new Request(Map.of(), Map.of(), Map.of(), Map.of(), new RequestParameterImpl(Buffer.buffer(json)), contentType);
  }

  private static class Request implements ValidatableRequest {
    private final Map<String, RequestParameter> cookies;
    private final Map<String, RequestParameter> headers;
    private final Map<String, RequestParameter> path;
    private final Map<String, RequestParameter> query;
    private final RequestParameter body;
    private final String contentType;

    Request(Map<String, RequestParameter> cookies, Map<String, RequestParameter> headers,
            Map<String, RequestParameter> path, Map<String, RequestParameter> query, RequestParameter body,
            String contentType) {
      this.cookies = cookies;
      this.headers = headers;
      this.path = path;
      this.query = query;
      this.body = body == null ? new RequestParameterImpl(null) : body;
      this.contentType = contentType;
    }

    @Override
    public Map<String, RequestParameter> getCookies() {
      return cookies;
    }

    @Override
    public Map<String, RequestParameter> getHeaders() {
      return headers;
    }

    @Override
    public Map<String, RequestParameter> getPathParameters() {
      return path;
    }

    @Override
    public Map<String, RequestParameter> getQuery() {
      return query;
    }

    @Override
    public RequestParameter getBody() {
      return body;
    }

    @Override
    public String getContentType() {
      return contentType;
    }
  }
}
