package com.contoso.lro;

import com.contoso.lro.contract.ContractLoader;
import com.contoso.lro.contract.api.OperationsApi;
import com.contoso.lro.contract.ServedContract;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import io.vertx.junit5.VertxExtension;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.validation.ResponseValidator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static com.contoso.lro.TestService.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * openapi.yaml loads in the service's own contract loader, the generated bindings cover it, and it
 * is complete for generators: a default error, examples, paging, and every header the suite sees.
 */
@ExtendWith(VertxExtension.class)
class ContractTest {

  @Test
  void the_service_loads_its_contract_with_the_beta_prefix_and_bearer_security(Vertx vertx) {
    OpenAPIContract contract = await(ContractLoader.load(vertx));

    assertThat(contract.getServers()).extracting(server -> server.getBasePath()).containsExactly("/beta");
    Operation create = contract.operation("createOperation");
    assertThat(create.getHttpMethod().name()).isEqualTo("POST");
    assertThat(create.getOpenAPIPath()).isEqualTo("/user/authentication/operations");
    assertThat(create.getSecurityRequirements()).anySatisfy(requirement ->
      assertThat(requirement.getNames()).contains("bearerAuth"));
    assertThat(contract.securityScheme("bearerAuth").getScheme()).isEqualTo("bearer");
    assertThat(create.getRequestBody().getContent()).containsOnlyKeys("application/json");
    assertThat(create.getDefaultResponse()).as("the default: Graph's error").isNotNull();
    for (int status : new int[] {201, 400, 401, 403, 413, 415, 503}) {
      assertThat(create.getResponse(status)).as("response %d", status).isNotNull();
    }
  }

  /**
   * The service skips this check at start-up, as the file in its jar is this one; vertx-openapi
   * cannot load an XML response at all, so the check reads the file as the service loads it.
   */
  @Test
  void openapi_yaml_passes_vertx_openapis_own_check_against_the_openapi_meta_schema(Vertx vertx) {
    ServedContract served = await(ContractLoader.read(vertx));

    OpenAPIContract checked = await(OpenAPIContract.from(vertx, ContractLoader.withoutUnsupportedResponseMedia(served.tree())));

    assertThat(checked.operations()).extracting(Operation::getOperationId)
      .containsExactlyInAnyOrderElementsOf(await(ContractLoader.load(vertx, Future.succeededFuture(served))).operations().stream()
        .map(Operation::getOperationId).toList());
  }

  /**
   * Each operation names its call (x-lro-call), the binding declares one method per call, and every
   * call on a user's operations is served under each of the three roots ($metadata and $batch, /beta's own, once).
   */
  @Test
  void every_operation_of_the_contract_names_a_call_whose_method_the_generated_binding_declares(Vertx vertx) {
    OpenAPIContract contract = await(ContractLoader.load(vertx));
    List<String> bound = Arrays.stream(OperationsApi.class.getMethods())
      .filter(method -> method.getParameterCount() > 0 && method.getParameterTypes()[0] == RoutingContext.class)
      .map(Method::getName)
      .distinct()
      .toList();
    Map<String, String> calls = contract.operations().stream()
      .collect(Collectors.toMap(Operation::getOperationId, operation -> String.valueOf(operation.getExtensions().get("x-lro-call"))));

    assertThat(bound).containsExactlyInAnyOrder("list", "count", "create", "get", "update", "delete", "metadata", "batch");
    assertThat(calls.values()).allSatisfy(call -> assertThat(bound).contains(call));
    // $batch has one root, /beta itself.
    assertThat(calls.values().stream().collect(Collectors.groupingBy(call -> call, Collectors.counting())))
      .allSatisfy((call, operations) -> assertThat(operations).as(call).isEqualTo(call.equals("metadata") || call.equals("batch") ? 1L : 3L));
  }

  /**
   * What a partner's generator reads: every operation declares a default answer in Graph's error
   * shape and shows an example answer, and each list names its next-page link (x-ms-pageable).
   */
  @Test
  void every_operation_has_a_default_graph_error_and_an_example_answer_and_every_list_pages_by_odata_nextLink(Vertx vertx) {
    JsonObject tree = await(ContractLoader.read(vertx)).tree();
    JsonObject paths = tree.getJsonObject("paths");
    int operations = 0;
    for (String path : paths.fieldNames()) {
      for (String method : List.of("get", "post", "patch", "delete")) {
        JsonObject operation = paths.getJsonObject(path).getJsonObject(method);
        if (operation == null) {
          continue;
        }
        operations++;
        String id = operation.getString("operationId");
        JsonObject responses = operation.getJsonObject("responses");
        JsonObject fallback = resolved(tree, responses.getJsonObject("default"));
        assertThat(fallback).as("%s: default", id).isNotNull();
        assertThat(fallback.getJsonObject("content").getJsonObject("application/json").getJsonObject("schema")
          .getString("$ref")).as("%s: default", id).isEqualTo("#/components/schemas/ODataError");
        assertThat(responses.fieldNames()).as("%s: a response with an example", id).anySatisfy(status ->
          assertThat(resolved(tree, responses.getJsonObject(status)).getJsonObject("content", new JsonObject()).stream()
            .map(media -> (JsonObject) media.getValue()))
            .anySatisfy(media -> assertThat(media.containsKey("example") || media.containsKey("examples")).isTrue()));
        if ("list".equals(operation.getString("x-lro-call"))) {
          assertThat(operation.getJsonObject("x-ms-pageable")).as("%s: x-ms-pageable", id)
            .isEqualTo(new JsonObject().put("nextLinkName", "@odata.nextLink"));
        }
      }
    }
    assertThat(operations).isEqualTo(20);
  }

  /**
   * ContractConformance, which checks every answer the suite receives, refuses a header that the
   * answer's description does not declare (vertx-openapi's validator checks only declared ones).
   */
  @Test
  void the_suites_conformance_check_refuses_an_answer_with_a_header_that_the_contract_does_not_declare(Vertx vertx) {
    Future<ServedContract> served = ContractLoader.read(vertx);
    OpenAPIContract contract = await(ContractLoader.load(vertx, served));
    ContractConformance conformance = new ContractConformance(contract, ResponseValidator.create(vertx, contract),
      served.result().tree());
    Map<String, String> declared = Map.of("request-id", "0d3c1c1e-5b7a-4f0e-8a8b-3f1e2d4c5b6a", "ETag", "\"4\"",
      "Preference-Applied", "return=minimal", "X-Content-Type-Options", "nosniff", "Cache-Control", "no-store",
      "content-length", "0");
    String update = "/beta/me/authentication/operations/op-1";

    await(conformance.check("PATCH", update, 204, declared, null));
    Map<String, String> more = new HashMap<>(declared);
    more.put("X-Powered-By", "Vert.x");
    assertThat(catchThrowable(() -> await(conformance.check("PATCH", update, 204, more, null))))
      .hasMessageContaining("does not declare: [x-powered-by]");
  }

  private static JsonObject resolved(JsonObject tree, JsonObject response) {
    if (response == null || !response.containsKey("$ref")) {
      return response;
    }
    String[] pointer = response.getString("$ref").substring(2).split("/");
    JsonObject target = tree;
    for (String segment : pointer) {
      target = target.getJsonObject(segment);
    }
    return target;
  }
}
